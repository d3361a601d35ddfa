import type { DesignPoint } from '../doe/index.ts';
import type { VariedParam } from '../doe/index.ts';

interface ParamSource {
  fixed: Record<string, Record<string, unknown>>;
  varied: readonly VariedParam[];
}

/**
 * The parameter object of one stage for one design point: the stage's fixed parameters with the
 * point's varied values written at their "stage.a.b" paths.
 */
export function paramsForStage(study: ParamSource, stage: string, point: DesignPoint): Record<string, unknown> {
  const params = structuredClone(study.fixed[stage] ?? {}) as Record<string, unknown>;
  for (const p of study.varied) {
    if (!(p.name in point)) continue;
    const targets = p.set ?? (p.name.includes('.') ? [p.name] : []);
    for (const t of targets) {
      const [s, ...path] = t.split('.');
      if (s !== stage) continue;
      let obj = params;
      for (const key of path.slice(0, -1)) {
        const next = obj[key];
        if (next === null || typeof next !== 'object') obj[key] = {};
        obj = obj[key] as Record<string, unknown>;
      }
      obj[path[path.length - 1]!] = point[p.name];
    }
  }
  return params;
}
