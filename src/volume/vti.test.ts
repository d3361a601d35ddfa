import { describe, expect, it } from 'vitest';
import { deflateSync } from 'node:zlib';
import { readVti } from './vti.ts';
import { memorySource } from './byte-source.ts';
import { FileFormatError, ImpossibleRequestError } from '../errors.ts';

// VTK files in the layouts ParaView and VTK's writers produce besides mesolab's own (appended raw).
const VALUES = Float32Array.from([0.5, -1, NaN, Infinity, 1e-42, 7, 8, 9, 10, 11, 12, 13]);
const SHAPE = [3, 2, 2] as const;

function xml(dataArray: string, opts: { compressor?: boolean; header?: 'UInt32' | 'UInt64'; section?: 'CellData' | 'PointData'; spacing?: string; appended?: string } = {}): string {
  const e = opts.section === 'PointData' ? `0 ${SHAPE[0] - 1} 0 ${SHAPE[1] - 1} 0 ${SHAPE[2] - 1}` : `0 ${SHAPE[0]} 0 ${SHAPE[1]} 0 ${SHAPE[2]}`;
  const section = opts.section ?? 'CellData';
  return [
    `<?xml version="1.0"?>`,
    `<VTKFile type="ImageData" version="1.0" byte_order="LittleEndian" header_type="${opts.header ?? 'UInt32'}"${opts.compressor ? ' compressor="vtkZLibDataCompressor"' : ''}>`,
    `<ImageData WholeExtent="${e}" Origin="0 0 0" Spacing="${opts.spacing ?? '0.5 0.5 0.5'}">`,
    `<Piece Extent="${e}"><${section} Scalars="phi">${dataArray}</${section}></Piece>`,
    `</ImageData>`,
    opts.appended ?? '',
    `</VTKFile>`,
  ].join('\n');
}

const bytes = (a: Float32Array): Buffer => Buffer.from(a.buffer, a.byteOffset, a.byteLength);
const u32 = (...v: number[]): Buffer => Buffer.from(Uint32Array.from(v).buffer);
const u64 = (v: number): Buffer => {
  const b = Buffer.alloc(8);
  b.writeBigUInt64LE(BigInt(v));
  return b;
};
const bits = (a: ArrayLike<number>): number[] => Array.from(new Uint32Array(Float32Array.from(a).buffer));

async function read(text: string | Buffer) {
  return readVti(memorySource(typeof text === 'string' ? new TextEncoder().encode(text) : new Uint8Array(text), 'test.vti'));
}

describe('reading VTK ImageData written by other tools', () => {
  it('inline base64, header and data encoded separately (VTK\'s layout), Spacing read as µm', async () => {
    const body = u32(48).toString('base64') + bytes(VALUES).toString('base64');
    const g = await read(xml(`<DataArray type="Float32" Name="phi" format="binary">${body}</DataArray>`));
    expect(g.shape).toEqual(SHAPE);
    expect(bits(g.data)).toEqual(bits(VALUES));
    expect(g.voxelSize).toBeCloseTo(0.5e-6, 18);
    expect(g.name).toBe('phi');
  });

  it('inline base64 with header and data in one run, UInt64 header', async () => {
    const body = Buffer.concat([u64(48), bytes(VALUES)]).toString('base64');
    const g = await read(xml(`<DataArray type="Float32" Name="phi" format="binary">\n  ${body}\n</DataArray>`, { header: 'UInt64' }));
    expect(bits(g.data)).toEqual(bits(VALUES));
  });

  it('zlib-compressed appended raw data in two blocks (ParaView\'s default), point data', async () => {
    const raw = bytes(VALUES);
    const b1 = deflateSync(raw.subarray(0, 32));
    const b2 = deflateSync(raw.subarray(32));
    const appended = Buffer.concat([Buffer.from('<AppendedData encoding="raw">\n_'), u32(2, 32, 16, b1.length, b2.length), b1, b2, Buffer.from('\n</AppendedData>')]);
    const head = xml('<DataArray type="Float32" Name="phi" format="appended" offset="0"/>', { compressor: true, section: 'PointData', appended: '@@' });
    const [before, after] = head.split('@@');
    const g = await read(Buffer.concat([Buffer.from(before!), appended, Buffer.from(after!)]));
    expect(g.shape).toEqual(SHAPE);
    expect(bits(g.data)).toEqual(bits(VALUES));
  });

  it('compressed inline base64 and ascii integer arrays', async () => {
    const labels = Uint8Array.from([0, 1, 2, 2, 1, 0, 0, 0, 1, 1, 2, 2]);
    const c = deflateSync(labels);
    const body = u32(1, 12, 12, c.length).toString('base64') + c.toString('base64');
    const g = await read(xml(`<DataArray type="UInt8" Name="phi" format="binary">${body}</DataArray>`, { compressor: true }));
    expect(Array.from(g.data)).toEqual(Array.from(labels));
    const a = await read(xml(`<DataArray type="UInt8" Name="phi" format="ascii">${Array.from(labels).join(' ')}</DataArray>`));
    expect(Array.from(a.data)).toEqual(Array.from(labels));
  });

  it('refuses anisotropic spacing, vector arrays, wrong byte counts and other VTK types', async () => {
    const good = `<DataArray type="UInt8" Name="phi" format="ascii">${'0 '.repeat(12)}</DataArray>`;
    await expect(read(xml(good, { spacing: '1 1 2' }))).rejects.toThrow(/cubic voxels/);
    await expect(read(xml(good.replace('Name', 'NumberOfComponents="3" Name')))).rejects.toThrow(/scalar array/);
    const body = u32(40).toString('base64') + bytes(VALUES).toString('base64');
    await expect(read(xml(`<DataArray type="Float32" Name="phi" format="binary">${body}</DataArray>`))).rejects.toThrow(FileFormatError);
    await expect(read('<VTKFile type="PolyData"></VTKFile>')).rejects.toThrow(/ImageData/);
    const huge = xml(good).replace(/Extent="0 3 0 2 0 2"/g, 'Extent="0 100000 0 100000 0 100000"');
    await expect(read(huge)).rejects.toThrow(ImpossibleRequestError);
  });
});
