// The library's JavaScript entry (package.json "exports"). mesolab ships its TypeScript sources
// and runs them through tsx, a dependency, exactly as the `mesolab` command does, so there is no
// separate build whose output could drift from what the CLI and the tests run. tsImport keeps the
// loader scoped to mesolab's own modules: the importing program's module loading is untouched.
// Types come from dist/types (tsc declarations, built by `npm pack`'s prepack script).
import { tsImport } from 'tsx/esm/api';

const api = await tsImport('./index.ts', import.meta.url);

export const { generateElectrode, computeProperties, fillQuasiStatic, fillLbm, GaussianProcess, MesolabError, ConfigError, LABEL } = api;
