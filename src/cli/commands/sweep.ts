import type { Command } from 'commander';
import { resolve } from 'node:path';
import { ConfigError, AbortedError } from '../../errors.ts';
import { getCompute } from '../../gpu/backend.ts';
import { parseShard } from '../../study/runs.ts';
import { createSweepProgress } from '../../progress.ts';
import { formatTable, printJson } from '../output.ts';
import { integerOption, optional, positiveNumber } from '../option-values.ts';
import { queryStudy, exportStudy, type ExportFormat } from '../../store/export.ts';
import { mergeStudies } from '../../store/merge.ts';

interface GlobalOpts {
  backend?: string;
}

interface RunOpts extends GlobalOpts {
  workers?: string;
  cores?: string;
  shard?: string;
  retryFailed?: boolean;
  output?: string;
  timeLimit?: string;
  train?: boolean;
}

/** Ctrl-C stops the sweep cleanly (finished runs kept); a second Ctrl-C exits at once. */
function interruptSignal(): { signal: AbortSignal; dispose(): void } {
  const controller = new AbortController();
  let count = 0;
  const onSigint = (): void => {
    count++;
    if (count === 1) {
      process.stderr.write('\nstopping: running samples are abandoned and will rerun next time (Ctrl-C again to quit now)\n');
      controller.abort('interrupted');
    } else process.exit(130);
  };
  process.on('SIGINT', onSigint);
  process.on('SIGTERM', onSigint);
  return { signal: controller.signal, dispose: () => (process.off('SIGINT', onSigint), process.off('SIGTERM', onSigint)) };
}

/** Runs a study file (or the default study) from the CLI, with progress and a closing summary. */
async function runStudyCommand(studyPath: string | undefined, opts: RunOpts, mode: 'sweep' | 'study'): Promise<void> {
  const { loadStudy } = await import('../../../workers/load-study.ts');
  const { runSweep } = await import('../../../workers/sweep.ts');
  const { DEFAULT_STUDY } = await import('../../study/default-study.ts');
  const study = studyPath ? loadStudy(resolve(studyPath)) : loadStudy(DEFAULT_STUDY);
  // "{name}" in -o stands for the study's name, so a job script can place shards under the
  // study's own folder without parsing the study file itself (examples/slurm-array.sh).
  const dir = resolve((opts.output ?? 'studies/{name}').replaceAll('{name}', study.name));
  const shard = opts.shard ? parseShard(opts.shard) : undefined;
  const workers = optional(opts.workers, (t) => integerOption(t, '--workers', 1, 'a positive integer'));
  const cores = optional(opts.cores, (t) => integerOption(t, '--cores', 1, 'a positive integer'));
  const timeLimitSeconds = optional(opts.timeLimit, (t) => positiveNumber(t, '--time-limit', 'a positive number of seconds'));
  const progress = createSweepProgress({ label: shard ? `${study.name} shard ${shard.index}/${shard.count}` : study.name });
  progress.log(`study "${study.name}" (hash ${study.hash}): ${study.samples} points × ${study.replicates} replicate(s), chain ${study.chain.join(' → ')}; writing ${dir}`);
  // Resolved here as well (runSweep would) so the log names the backend before any run starts.
  const compute = await getCompute(opts.backend);
  const backend = compute.backend;
  progress.log(`compute backend: ${backend}${compute.adapter ? ` (${compute.adapter})` : ''}`);
  const interrupt = interruptSignal();
  let summary;
  try {
    summary = await runSweep(study, {
      dir,
      signal: interrupt.signal,
      onProgress: (c) => progress.update(c),
      ...(workers !== undefined ? { workers } : {}),
      ...(cores !== undefined ? { cores } : {}),
      onPlan: (p) =>
        progress.log(
          `threads: ${p.workers} worker(s) × ${p.threadsPerRun} thread(s) per run on a budget of ${p.cores} core(s)${p.oversubscribed ? ` (oversubscribed: --workers ${p.workers} is more than the ${p.cores} core(s); raise --cores or lower --workers)` : ''}`,
        ),
      ...(shard ? { shard } : {}),
      ...(opts.retryFailed ? { retryFailed: true } : {}),
      ...(timeLimitSeconds !== undefined ? { timeLimitSeconds } : {}),
      backend,
    });
  } finally {
    progress.stop();
    interrupt.dispose();
  }
  process.stderr.write(
    `${summary.done} run(s) finished and ${summary.failed} failed in ${summary.seconds.toFixed(1)} s; ${summary.skipped} already in the dataset; ${summary.planned} planned${summary.abandoned ? `; ${summary.abandoned} abandoned` : ''}\n`,
  );
  const failed = summary.records.filter((r) => r.status === 'failed');
  for (const r of failed.slice(0, 5)) process.stderr.write(`  failed ${r.runId}: ${r.error}\n`);
  if (failed.length > 5) process.stderr.write(`  ... and ${failed.length - 5} more (mesolab query ${dir} "SELECT run_id, error FROM runs WHERE status = 'failed'")\n`);
  if (summary.aborted) throw new AbortedError('interrupted; rerun the same command to resume');
  if (mode === 'study' && opts.train !== false) {
    const { trainStudySurrogates } = await import('../workflows/train-study.ts');
    await trainStudySurrogates(study, dir, (line) => process.stdout.write(`${line}\n`));
  } else if (mode === 'study') process.stdout.write(`dataset: ${dir}/study.duckdb\n`);
}

export function register(program: Command): void {
  program
    .command('sweep')
    .description('run every sample of a study file in parallel and store them in <dir>/study.duckdb (resumes where it stopped)')
    .argument('<study>', 'study file (JSON or YAML)')
    .option('-w, --workers <n>', 'worker threads (default: one per core of the budget, never more than runs)')
    .option('--cores <n>', 'thread budget shared by the workers and the threads inside each run (default: every core this process may use)')
    .option('--shard <i/N>', 'run only design points whose index is i modulo N (for job arrays)')
    .option('--retry-failed', 'rerun runs recorded as failed')
    .option('-o, --output <dir>', 'study folder; {name} stands for the study\'s name (default: studies/{name})')
    .option('--time-limit <s>', 'per-run time limit in seconds (default: the study\'s timeLimitSeconds, else none)')
    .action(async (studyPath: string, _opts: RunOpts, cmd: Command) => {
      await runStudyCommand(studyPath, cmd.optsWithGlobals<RunOpts>(), 'sweep');
    });

  program
    .command('study')
    .description('run a study (default: the embedded small electrode study), then train and report surrogates')
    .argument('[study]', 'study file (JSON or YAML); default: the embedded study')
    .option('-w, --workers <n>', 'worker threads (default: one per core of the budget, never more than runs)')
    .option('--cores <n>', 'thread budget shared by the workers and the threads inside each run (default: every core this process may use)')
    .option('-o, --output <dir>', 'study folder (default: studies/<name>)')
    .option('--retry-failed', 'rerun runs recorded as failed')
    .option('--time-limit <s>', 'per-run time limit in seconds')
    .option('--no-train', 'only run the simulations')
    .action(async (studyPath: string | undefined, _opts: RunOpts, cmd: Command) => {
      await runStudyCommand(studyPath, cmd.optsWithGlobals<RunOpts>(), 'study');
    });

  program
    .command('export')
    .description('write a study\'s runs table to Parquet or CSV')
    .argument('<dir>', 'study folder')
    .option('-f, --format <format>', 'parquet or csv', 'parquet')
    .option('-o, --output <file>', 'output file (default: <dir>/runs.<format>)')
    .option('--ok-only', 'only finished runs (status ok)')
    .option('--force', 'replace an existing file that is not an earlier export in this format')
    .action(async (dir: string, opts: { format: string; output?: string; okOnly?: boolean; force?: boolean }) => {
      if (opts.format !== 'parquet' && opts.format !== 'csv') throw new ConfigError('--format', opts.format, '"parquet" or "csv"');
      const out = await exportStudy(resolve(dir), opts.format as ExportFormat, opts.output ? resolve(opts.output) : undefined, { okOnly: opts.okOnly ?? false, force: opts.force ?? false });
      process.stdout.write(`${out.rows} run(s) written to ${out.file}\n`);
    });

  program
    .command('query')
    .description('run read-only SQL on a study (tables: runs, columns, study); statements that change it or touch other files are refused')
    .argument('<dir>', 'study folder')
    .argument('<sql>', 'a SQL query, e.g. "SELECT status, count(*) FROM runs GROUP BY status"')
    .option('--json', 'print rows as JSON')
    .action(async (dir: string, sql: string, opts: { json?: boolean }) => {
      const { columns, rows } = await queryStudy(resolve(dir), sql);
      if (opts.json) return printJson(rows);
      process.stdout.write(`${formatTable(rows.map((r) => columns.map((c) => { const v = r[c]; return v === null || v === undefined ? '' : typeof v === 'number' ? v : String(v); })), columns)}\n`);
    });

  program
    .command('merge')
    .description('unite the folders of shards of one study into one (refuses other studies; one row per run id)')
    .argument('<dirs...>', 'study folders (shards)')
    .requiredOption('-o, --output <dir>', 'folder of the merged study')
    .action(async (dirs: string[], opts: { output: string }) => {
      const r = await mergeStudies(dirs.map((d) => resolve(d)), resolve(opts.output));
      process.stdout.write(`merged ${dirs.length} folder(s) of study "${r.name}" (hash ${r.hash}) into ${opts.output}: ${r.added} run(s) added, ${r.duplicates} duplicate(s) skipped, ${r.total} in total\n`);
    });
}
