import { stat } from 'node:fs/promises';
import path from 'node:path';
import type { Command } from 'commander';
import { ConfigError } from '../../errors.ts';
import { buildViewer, ensureViewerBuilt } from '../../../viewer/build/build.ts';
import { describe } from '../../../viewer/server/datasets.ts';
import { startViewerServer } from '../../../viewer/server/server.ts';
import { isVolumeFile } from '../../../viewer/server/volume-source.ts';

export function parsePort(value: string): number {
  const n = Number(value);
  if (!/^\d+$/.test(value) || !Number.isInteger(n) || n > 65535) throw new ConfigError('--port', value, 'an integer port 0–65535 (0 picks a free one)');
  return n;
}

/** `mesolab view <volume | fill output dir | study dir> [--port N]`: serve the browser viewer on 127.0.0.1. */
export function register(program: Command): void {
  program
    .command('view')
    .description('open volumes, fill results and studies in the browser viewer (three.js), served on 127.0.0.1')
    .argument('<path>', 'a volume (.raw/.json, .tif, .vti), a fill output directory, or a study directory')
    .option('--port <n>', 'port to listen on; 0 picks a free one', '0')
    .option('--rebuild', 'rebuild the viewer app even if viewer/dist is current')
    .action(async (target: string, opts: { port: string; rebuild?: boolean }) => {
      const port = parsePort(opts.port);
      const st = await stat(target).catch(() => null);
      if (!st) throw new ConfigError('<path>', target, 'an existing volume file, fill output directory or study directory');
      let root = path.resolve(target);
      let entry: string | undefined;
      if (st.isFile()) {
        if (!isVolumeFile(target)) throw new ConfigError('<path>', target, 'a volume file (.raw, .tif, .tiff, .vti) or a directory');
        entry = path.basename(root);
        root = path.dirname(root);
      }
      // Fail now, in the terminal, rather than later in the page.
      const manifest = await describe(root, entry);
      const log = (line: string): void => void process.stderr.write(`${line}\n`);
      if (opts.rebuild) {
        log('building the viewer into viewer/dist...');
        await buildViewer();
      }
      const distDir = await ensureViewerBuilt(log);
      const server = await startViewerServer({ root, distDir, port, ...(entry ? { entry } : {}) });
      process.stdout.write(`mesolab viewer: ${manifest.kind} ${manifest.name}\n${server.url}\n(serving ${root} on 127.0.0.1 only; Ctrl-C to stop)\n`);
      await new Promise<void>((resolve) => {
        const stop = (): void => {
          process.off('SIGINT', stop);
          process.off('SIGTERM', stop);
          void server.close().then(resolve);
        };
        process.on('SIGINT', stop);
        process.on('SIGTERM', stop);
      });
    });
}
