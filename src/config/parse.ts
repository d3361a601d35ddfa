import { readFile } from 'node:fs/promises';
import { extname } from 'node:path';
import YAML from 'yaml';
import { ConfigError } from '../errors.ts';

export { parseWith } from './validate.ts';

/** Reads a JSON or YAML config file (by extension), reporting syntax errors with the file name under `field` (the option that named it). */
export async function readConfigFile(path: string, field = '--config'): Promise<unknown> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (e) {
    throw new ConfigError(field, path, 'a readable JSON or YAML file', (e as NodeJS.ErrnoException).code);
  }
  const ext = extname(path).toLowerCase();
  try {
    return ext === '.yaml' || ext === '.yml' ? YAML.parse(text) : JSON.parse(text);
  } catch (e) {
    throw new ConfigError(field, path, ext === '.yaml' || ext === '.yml' ? 'valid YAML' : 'valid JSON', (e as Error).message);
  }
}
