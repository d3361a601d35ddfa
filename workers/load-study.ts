import { parseStudy, readStudyFile, type Study } from '../src/study/schema.ts';
import { STAGE_CATALOG } from './stages.ts';

/** A validated study from a JSON/YAML file path or an object (checked against the stages' schemas). */
export function loadStudy(source: string | object): Study {
  return typeof source === 'string' ? readStudyFile(source, STAGE_CATALOG) : parseStudy(source, STAGE_CATALOG);
}
