import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { OUTPUT_MARKER, assertFileReplaceable, stageFolder, writeFileWhole, writeFolderWhole, writeWhole } from './output-files.ts';

const ROOT = resolve(import.meta.dirname, '..');
const base = mkdtempSync(join(tmpdir(), 'mesolab-output-files-'));
afterAll(() => rmSync(base, { recursive: true, force: true }));
let n = 0;
const fresh = (): string => join(base, `case-${n++}`);

describe('writeWhole', () => {
  it('leaves the old file and no temporary when the writer fails midway', async () => {
    const dir = fresh();
    await mkdir(dir);
    const target = join(dir, 'out.tif');
    await writeFileWhole(target, 'OLD');
    await expect(
      writeWhole(target, async (tmp) => {
        await writeFile(tmp, 'HALF');
        throw new Error('disk full');
      }),
    ).rejects.toThrow('disk full');
    expect(readFileSync(target, 'utf8')).toBe('OLD');
    expect(readdirSync(dir)).toEqual(['out.tif']);
  });

  it('renames companions with the file (a .raw and its .json header)', async () => {
    const dir = fresh();
    await mkdir(dir);
    const json = (p: string): string => p.replace(/\.raw$/, '.json');
    await writeWhole(join(dir, 'v.raw'), async (tmp) => {
      await writeFile(tmp, 'DATA');
      await writeFile(json(tmp), '{}');
    }, (p) => [json(p)]);
    expect(readdirSync(dir).sort()).toEqual(['v.json', 'v.raw']);
  });
});

describe('assertFileReplaceable', () => {
  it('refuses an existing file without force, a folder always, and accepts a new name', async () => {
    const dir = fresh();
    await mkdir(dir);
    await writeFile(join(dir, 'x.csv'), 'a,b\n');
    await expect(assertFileReplaceable(join(dir, 'x.csv'), { field: '--output' })).rejects.toThrow(/--output: got ".*x\.csv", expected a new file \(a file of that name exists; pass --force to replace it\)/);
    await expect(assertFileReplaceable(join(dir, 'x.csv'), { force: true })).resolves.toBeUndefined();
    await expect(assertFileReplaceable(dir, { force: true })).rejects.toThrow(/a folder of that name exists/);
    await expect(assertFileReplaceable(join(dir, 'new.csv'))).resolves.toBeUndefined();
    await expect(assertFileReplaceable(join(dir, 'missing', 'new.csv'))).rejects.toThrow(/a file in an existing folder/);
  });
});

describe('stageFolder', () => {
  const id = { kind: 'model', run: 'r1' };

  it('replaces a folder of the same run whole: no stale file survives', async () => {
    const out = fresh();
    await writeFolderWhole(out, id, {}, async (tmp) => {
      await writeFile(join(tmp, 'summary.json'), 'old');
      await mkdir(join(tmp, 'dnn'));
      await writeFile(join(tmp, 'dnn', 'surrogate.json'), 'old');
    });
    await writeFolderWhole(out, id, {}, async (tmp) => writeFile(join(tmp, 'surrogate.json'), 'new'));
    expect(readdirSync(out).sort()).toEqual([OUTPUT_MARKER, 'surrogate.json']);
    expect(JSON.parse(readFileSync(join(out, OUTPUT_MARKER), 'utf8'))).toMatchObject(id);
  });

  it('refuses another run or kind without force, a foreign folder or a file even with force', async () => {
    const out = fresh();
    await writeFolderWhole(out, id, {}, async (tmp) => writeFile(join(tmp, 'surrogate.json'), 'first'));
    await expect(stageFolder(out, { kind: 'model', run: 'r2' }, { field: '-o' })).rejects.toThrow(/-o: got ".*", expected a new folder or a model output of this same run \(it holds a model output of another run; pass --force to replace it\)/);
    await expect(stageFolder(out, { kind: 'fill-lbm', run: 'r1' })).rejects.toThrow(/it holds a model output, not fill-lbm/);
    const staged = await stageFolder(out, { kind: 'model', run: 'r2' }, { force: true });
    await staged.discard();
    expect(readFileSync(join(out, 'surrogate.json'), 'utf8')).toBe('first');

    const foreign = fresh();
    await mkdir(foreign);
    await writeFile(join(foreign, 'thesis.tex'), 'precious');
    await expect(stageFolder(foreign, id, { force: true })).rejects.toThrow(/it holds other files; choose another folder/);
    const file = join(base, 'a-file');
    await writeFile(file, 'x');
    await expect(stageFolder(file, id, { force: true })).rejects.toThrow(/a file of that name exists/);
    expect(readFileSync(join(foreign, 'thesis.tex'), 'utf8')).toBe('precious');
  });

  it('a process killed mid-write leaves the old folder as it was, and its temporary is swept by the next write', async () => {
    const out = fresh();
    await writeFolderWhole(out, { kind: 'fill-lbm', run: 'old-run' }, {}, async (tmp) => writeFile(join(tmp, 'result.json'), '{"old": true}\n'));
    const child = spawn(process.execPath, [join(ROOT, 'bin/run-ts.js'), join(ROOT, 'src/fixtures/kill-mid-output.ts'), out], { stdio: ['ignore', 'pipe', 'inherit'] });
    await new Promise<void>((res, rej) => {
      child.stdout.on('data', (d: Buffer) => d.toString().includes('written') && res());
      child.on('exit', (code) => rej(new Error(`fixture exited early (${code})`)));
    });
    const temps = readdirSync(base).filter((f) => f.startsWith(`.${out.split('/').pop()}.tmp-`));
    expect(temps).toHaveLength(1);
    child.kill('SIGKILL');
    await new Promise((r) => child.on('exit', r));
    // The final name still holds the old run, whole; the half-written one is only a hidden temporary.
    expect(readFileSync(join(out, 'result.json'), 'utf8')).toBe('{"old": true}\n');
    expect(JSON.parse(readFileSync(join(out, OUTPUT_MARKER), 'utf8'))).toMatchObject({ run: 'old-run' });
    await writeFolderWhole(out, { kind: 'fill-lbm', run: 'old-run' }, {}, async (tmp) => writeFile(join(tmp, 'result.json'), '{"again": true}\n'));
    expect(existsSync(join(base, temps[0]!))).toBe(false);
  });
});
