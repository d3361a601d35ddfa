import { stat } from 'node:fs/promises';
import path from 'node:path';
import type { Command } from 'commander';
import { ConfigError } from '../../errors.ts';
import { parseLabelMap } from '../../volume/labels-map.ts';
import { portOption, voxelSizeUmOption } from '../option-values.ts';
import { VOLUME_READ_OPTIONS } from '../sim-options.ts';
import { buildViewer, DIST_DIR, ensureViewerBuilt } from '../../../viewer/build/build.ts';
import { describe } from '../../../viewer/server/datasets.ts';
import { startViewerServer } from '../../../viewer/server/server.ts';
import { isVolumeFile } from '../../../viewer/server/volume-source.ts';

/** `mesolab view <volume | fill output dir | cell output dir | study dir> [--port N]`: serve the browser viewer on 127.0.0.1. */
export function register(program: Command): void {
  program
    .command('view')
    .description('open volumes, fill results, cell discharges and studies in the browser viewer (three.js), served on 127.0.0.1')
    .argument('<path>', 'a volume (.raw/.json, .tif, .vti), a fill or cell output directory, or a study directory')
    .option('--port <n>', 'port to listen on; 0 picks a free one', '0')
    .option('--rebuild', 'rebuild the viewer app even if viewer/dist is current')
    .option(...VOLUME_READ_OPTIONS[0]!)
    .option(...VOLUME_READ_OPTIONS[1]!)
    .action(async (target: string, opts: { port: string; rebuild?: boolean; voxelSize?: string; labels?: string }) => {
      const port = portOption(opts.port);
      const voxelSize = voxelSizeUmOption(opts.voxelSize);
      if (opts.labels !== undefined) parseLabelMap(opts.labels);
      const read = { ...(voxelSize !== undefined ? { voxelSize } : {}), ...(opts.labels !== undefined ? { labels: opts.labels } : {}) };
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
      const manifest = await describe(root, entry, read);
      if (!entry && (opts.voxelSize !== undefined || opts.labels !== undefined)) {
        if (manifest.kind !== 'volume' || !manifest.volume) {
          throw new ConfigError(opts.labels !== undefined ? '--labels' : '--voxel-size', opts.labels ?? opts.voxelSize, 'a volume file, or a folder of volume files, as <path> (fill outputs and studies state their own labels and voxel size)');
        }
        // A folder of volumes shows its first one: the options apply to it, and it alone is served.
        entry = manifest.volume.path;
      }
      const log = (line: string): void => void process.stderr.write(`${line}\n`);
      // The port is taken before the (possibly long) first build, so a port in use fails at once;
      // the app's files are read from DIST_DIR per request, once built.
      const server = await startViewerServer({ root, distDir: DIST_DIR, port, read, ...(entry ? { entry } : {}) }).catch((e: NodeJS.ErrnoException) => {
        if (e.code === 'EADDRINUSE') throw new ConfigError('--port', opts.port, 'a free port', 'another program listens on it; --port 0 picks a free one');
        if (e.code === 'EACCES') throw new ConfigError('--port', opts.port, 'a port this user may open (1024 or above)');
        throw e;
      });
      try {
        if (opts.rebuild) {
          log('building the viewer into viewer/dist...');
          await buildViewer();
        }
        await ensureViewerBuilt(log);
      } catch (e) {
        await server.close();
        throw e;
      }
      const served = entry ? `only ${path.join(root, entry)}` : root;
      process.stdout.write(`mesolab viewer: ${manifest.kind} ${manifest.name}\n${server.url}\n(serving ${served} on 127.0.0.1 only; Ctrl-C to stop)\n`);
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
