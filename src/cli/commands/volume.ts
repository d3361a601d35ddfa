import type { Command } from 'commander';
import { ConfigError } from '../../errors.ts';
import { formatOf, readVolumeOrField, writeField, writeVolume, VOLUME_EXTENSIONS, type VolumeOrField } from '../../volume/io.ts';
import { volumeFractions, voxelCount, type Field, type Shape } from '../../volume/volume.ts';
import { toUm, um } from '../../user-units.ts';
import { rawHeaderPath } from '../../volume/raw.ts';
import { assertFileReplaceable } from '../../output-files.ts';
import { formatNumber, formatTable, printJson } from '../output.ts';
import { voxelSizeUmOption } from '../option-values.ts';

interface ReadFlags {
  labels?: string;
  voxelSize?: string;
}

function readOptions(flags: ReadFlags): { labels?: string; voxelSize?: number } {
  const voxelSize = voxelSizeUmOption(flags.voxelSize);
  return { ...(flags.labels !== undefined ? { labels: flags.labels } : {}), ...(voxelSize !== undefined ? { voxelSize } : {}) };
}

export interface FieldStats {
  min: number;
  max: number;
  mean: number;
  nan: number;
  infinite: number;
}

/** Statistics over the finite values; NaN and ±Infinity are counted, not averaged. */
export function fieldStats(f: Field): FieldStats {
  let min = Infinity;
  let max = -Infinity;
  let sum = 0;
  let finite = 0;
  let nan = 0;
  let infinite = 0;
  const d = f.data;
  for (let i = 0; i < d.length; i++) {
    const v = d[i]!;
    if (Number.isNaN(v)) nan++;
    else if (!Number.isFinite(v)) infinite++;
    else {
      if (v < min) min = v;
      if (v > max) max = v;
      sum += v;
      finite++;
    }
  }
  return { min: finite ? min : NaN, max: finite ? max : NaN, mean: finite ? sum / finite : NaN, nan, infinite };
}

const dims = (s: Shape): string => s.join(' × ');

function infoJson(file: string, r: VolumeOrField): Record<string, unknown> {
  const format = formatOf(file, 'file');
  if (r.kind === 'volume') {
    const v = r.volume;
    return { shape: [...v.shape], voxelSize: v.voxelSize, fractions: volumeFractions(v), kind: 'labels', format, file };
  }
  const f = r.field;
  return { shape: [...f.shape], voxelSize: f.voxelSize, kind: 'field', format, file, ...(f.name ? { name: f.name } : {}), stats: fieldStats(f) };
}

function infoText(file: string, r: VolumeOrField): string {
  const shape = r.kind === 'volume' ? r.volume.shape : r.field.shape;
  const voxel = r.kind === 'volume' ? r.volume.voxelSize : r.field.voxelSize;
  const extent = shape.map((n) => formatNumber(toUm(n * voxel))).join(' × ');
  const lines = [
    `${file} (${formatOf(file, 'file')}, ${r.kind === 'volume' ? 'labels' : `field${r.field.name ? `: ${r.field.name}` : ''}`})`,
    `shape       ${dims(shape)} voxels (${voxelCount(shape)})`,
    `voxel size  ${formatNumber(toUm(voxel))} µm`,
    `extent      ${extent} µm`,
    '',
  ];
  if (r.kind === 'volume') {
    const fr = volumeFractions(r.volume);
    lines.push(formatTable(Object.entries(fr).map(([phase, f]) => [phase, `${(100 * f).toFixed(3)} %`]), ['phase', 'volume fraction']));
  } else {
    const s = fieldStats(r.field);
    lines.push(formatTable([['min', s.min], ['max', s.max], ['mean', s.mean], ['NaN', s.nan], ['±Infinity', s.infinite]], ['statistic', 'value']));
  }
  return lines.join('\n');
}

export function register(program: Command): void {
  const volume = program.command('volume').description('inspect and convert 3D electrode volumes and fields (TIFF stacks, raw + JSON, VTK .vti)');
  const formats = VOLUME_EXTENSIONS.join(', ');

  volume
    .command('info <file>')
    .description('print shape, voxel size and the volume fraction of each phase (or statistics of a field)')
    .option('--json', 'print JSON: {"shape":[nx,ny,nz],"voxelSize":metres,"fractions":{"pore":f,"am":f,"cbd":f}}')
    .option('--labels <map>', 'grey value → phase of a segmented image, e.g. 0:pore,128:cbd,255:am')
    .option('--voxel-size <µm>', 'voxel edge in µm; overrides the file')
    .action(async (file: string, opts: ReadFlags & { json?: boolean }) => {
      const r = await readVolumeOrField(file, readOptions(opts));
      if (opts.json) printJson(infoJson(file, r));
      else process.stdout.write(`${infoText(file, r)}\n`);
    });

  volume
    .command('convert <in> <out>')
    .description(`convert between ${formats} (format by extension), keeping the voxel size`)
    .option('--labels <map>', 'grey value → phase of a segmented input, e.g. 0:pore,128:cbd,255:am')
    .option('--voxel-size <µm>', 'voxel edge in µm; overrides the input file')
    .option('--force', 'replace an existing output file')
    .action(async (input: string, output: string, opts: ReadFlags & { force?: boolean }) => {
      // Both names are checked before a possibly long read.
      formatOf(input, 'input');
      const outFormat = formatOf(output, 'output');
      const force = opts.force ?? false;
      await assertFileReplaceable(output, { force, field: '<out>' });
      if (outFormat === 'raw') await assertFileReplaceable(rawHeaderPath(output), { force, field: '<out>' });
      const r = await readVolumeOrField(input, readOptions(opts));
      if (r.kind === 'volume') await writeVolume(output, r.volume);
      else await writeField(output, r.field);
      const shape = r.kind === 'volume' ? r.volume.shape : r.field.shape;
      const voxel = r.kind === 'volume' ? r.volume.voxelSize : r.field.voxelSize;
      process.stdout.write(`wrote ${output} (${dims(shape)} ${r.kind === 'volume' ? 'labels' : 'float32 field'}, voxel ${formatNumber(toUm(voxel))} µm)\n`);
    });
}
