import { open } from 'node:fs/promises';
import { inflateSync } from 'node:zlib';
import { FileFormatError } from '../errors.ts';
import { assertAllocatable, type Shape } from './volume.ts';
import type { ByteSource } from './byte-source.ts';
import { allocateSamples, bytesOf, swapBytes, BYTES_PER_SAMPLE, HOST_LITTLE_ENDIAN, type DecodedGrid, type SampleType } from './grid.ts';
import { writeAll } from './tiff-write.ts';

/**
 * VTK XML ImageData. Voxels are written as cells (extent 0..n), so ParaView draws each voxel as a
 * block and thresholds whole voxels. Spacing is in micrometres, the unit ParaView users read
 * electrode images in; the exact size in metres is kept in the field-data array "voxelSize_m".
 * A file without that array is read with Spacing taken as micrometres.
 */
export const VTI_SPACING_UNIT_M = 1e-6;

const VTK_TYPES: Record<string, SampleType> = {
  UInt8: 'uint8',
  Int8: 'int8',
  UInt16: 'uint16',
  Int16: 'int16',
  UInt32: 'uint32',
  Int32: 'int32',
  Float32: 'float32',
  Float64: 'float64',
};

function escapeXml(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

function unescapeXml(s: string): string {
  return s.replace(/&quot;/g, '"').replace(/&gt;/g, '>').replace(/&lt;/g, '<').replace(/&apos;/g, "'").replace(/&amp;/g, '&');
}

export interface VtiWrite {
  shape: Shape;
  voxelSize: number;
  data: Uint8Array | Float32Array;
  /** Array name: "labels" for volumes, the field's name for fields. */
  name: string;
}

/** Writes uncompressed appended raw data with a UInt64 byte-count header. */
export async function writeVti(path: string, grid: VtiWrite): Promise<void> {
  const [nx, ny, nz] = grid.shape;
  const type = grid.data instanceof Float32Array ? 'Float32' : 'UInt8';
  // Rounded for people reading the XML; the exact metres value is in voxelSize_m.
  const s = Number((grid.voxelSize / VTI_SPACING_UNIT_M).toPrecision(12));
  const extent = `0 ${nx} 0 ${ny} 0 ${nz}`;
  const name = escapeXml(grid.name);
  const xml = [
    '<?xml version="1.0"?>',
    '<VTKFile type="ImageData" version="1.0" byte_order="LittleEndian" header_type="UInt64">',
    `  <ImageData WholeExtent="${extent}" Origin="0 0 0" Spacing="${s} ${s} ${s}">`,
    '    <FieldData>',
    `      <DataArray type="Float64" Name="voxelSize_m" NumberOfTuples="1" format="ascii">${grid.voxelSize}</DataArray>`,
    '    </FieldData>',
    `    <Piece Extent="${extent}">`,
    `      <CellData Scalars="${name}">`,
    `        <DataArray type="${type}" Name="${name}" NumberOfComponents="1" format="appended" offset="0"/>`,
    '      </CellData>',
    '    </Piece>',
    '  </ImageData>',
    '  <AppendedData encoding="raw">',
    '   _',
  ].join('\n');
  const head = new TextEncoder().encode(xml);
  const count = new Uint8Array(8);
  new DataView(count.buffer).setBigUint64(0, BigInt(grid.data.byteLength), true);
  const tail = new TextEncoder().encode('\n  </AppendedData>\n</VTKFile>\n');
  let bytes = bytesOf(grid.data);
  if (!HOST_LITTLE_ENDIAN && type === 'Float32') {
    bytes = bytes.slice();
    swapBytes(bytes, 4);
  }
  const fh = await open(path, 'w');
  try {
    await fh.write(head, 0, head.length, 0);
    await fh.write(count, 0, 8, head.length);
    await writeAll(fh, bytes, head.length + 8);
    await fh.write(tail, 0, tail.length, head.length + 8 + bytes.length);
  } finally {
    await fh.close();
  }
}

function attr(tag: string, name: string): string | undefined {
  const m = new RegExp(`\\b${name}\\s*=\\s*"([^"]*)"`).exec(tag);
  return m ? unescapeXml(m[1]!) : undefined;
}

interface ArraySpec {
  type: SampleType;
  name: string;
  format: string;
  offset: number;
  components: number;
  inline: string;
}

interface Layout {
  littleEndian: boolean;
  headerBytes: 4 | 8;
  compressed: boolean;
}

/** Reads a VTK ImageData file: its active (or first) cell or point array and its spacing. */
export async function readVti(src: ByteSource): Promise<DecodedGrid> {
  const bad = (expected: string, detail?: string): FileFormatError => new FileFormatError('file', src.name, expected, detail);
  // The XML part is small; appended raw data is read straight into the output afterwards.
  const probe = await src.read(0, Math.min(src.size, 1 << 20), 'the VTK XML header');
  const probeText = new TextDecoder('latin1').decode(probe);
  const appendedAt = probeText.indexOf('<AppendedData');
  let xml: string;
  let appendedStart = -1;
  let appendedEncoding = 'raw';
  if (appendedAt >= 0) {
    const tagEnd = probeText.indexOf('>', appendedAt);
    const underscore = probeText.indexOf('_', tagEnd);
    if (tagEnd < 0 || underscore < 0) throw bad('a complete file', 'truncated: the appended data section is cut short');
    appendedEncoding = attr(probeText.slice(appendedAt, tagEnd), 'encoding') ?? 'raw';
    appendedStart = underscore + 1;
    xml = probeText.slice(0, appendedAt);
  } else {
    xml = src.size <= probe.length ? probeText : new TextDecoder('latin1').decode(await src.read(0, src.size, 'the VTK file'));
  }

  const fileTag = /<VTKFile\b[^>]*>/.exec(xml)?.[0];
  if (!fileTag || attr(fileTag, 'type') !== 'ImageData') throw bad('a VTK XML ImageData file (<VTKFile type="ImageData">)');
  const layout: Layout = {
    littleEndian: (attr(fileTag, 'byte_order') ?? 'LittleEndian') === 'LittleEndian',
    headerBytes: attr(fileTag, 'header_type') === 'UInt64' ? 8 : 4,
    compressed: attr(fileTag, 'compressor') !== undefined,
  };
  if (layout.compressed && attr(fileTag, 'compressor') !== 'vtkZLibDataCompressor') {
    throw bad('uncompressed or zlib-compressed VTK data', `compressor ${attr(fileTag, 'compressor')}`);
  }
  const pieces = xml.match(/<Piece\b[^>]*>/g) ?? [];
  if (pieces.length !== 1) throw bad('one Piece in the ImageData', `found ${pieces.length}`);
  const extent = (attr(pieces[0]!, 'Extent') ?? '').trim().split(/\s+/).map(Number);
  if (extent.length !== 6 || extent.some((v) => !Number.isInteger(v))) throw bad('a Piece Extent of six integers');

  const sections = [...xml.matchAll(/<(CellData|PointData)\b([^>]*)>([\s\S]*?)<\/\1>/g)];
  let chosen: { spec: ArraySpec; cells: boolean } | undefined;
  for (const [, kind, attrs, body] of sections) {
    const active = attr(attrs!, 'Scalars');
    const arrays = [...body!.matchAll(/<DataArray\b([^>]*?)(?:\/>|>([\s\S]*?)<\/DataArray>)/g)].map((m): ArraySpec => {
      const t = attr(m[1]!, 'type') ?? '';
      const type = VTK_TYPES[t];
      if (!type) throw bad(`DataArrays of ${Object.keys(VTK_TYPES).join(', ')}`, `found type ${JSON.stringify(t)}`);
      return {
        type,
        name: attr(m[1]!, 'Name') ?? '',
        format: attr(m[1]!, 'format') ?? 'ascii',
        offset: Number(attr(m[1]!, 'offset') ?? 0),
        components: Number(attr(m[1]!, 'NumberOfComponents') ?? 1),
        inline: m[2] ?? '',
      };
    });
    const spec = arrays.find((a) => a.name === active) ?? arrays[0];
    if (spec && !chosen) chosen = { spec, cells: kind === 'CellData' };
  }
  if (!chosen) throw bad('a CellData or PointData array', 'the file has none');
  const { spec, cells } = chosen;
  if (spec.components !== 1) throw bad('a scalar array (NumberOfComponents="1")', `${spec.name} has ${spec.components} components`);
  const add = cells ? 0 : 1;
  const shape: Shape = [extent[1]! - extent[0]! + add, extent[3]! - extent[2]! + add, extent[5]! - extent[4]! + add];
  if (shape.some((n) => n < 1)) throw bad('a non-empty extent', `Extent ${extent.join(' ')}`);
  const size = BYTES_PER_SAMPLE[spec.type];
  assertAllocatable(shape, size, 'VTK image');
  const n = shape[0] * shape[1] * shape[2];
  const data = allocateSamples(spec.type, n);
  const out = bytesOf(data);

  if (spec.format === 'appended') {
    if (appendedStart < 0) throw bad('an AppendedData section for an appended array');
    if (appendedEncoding === 'raw') await readAppendedRaw(src, appendedStart + spec.offset, layout, out);
    else if (appendedEncoding === 'base64') {
      const rest = new TextDecoder('latin1').decode(await src.read(appendedStart, src.size - appendedStart, 'the appended data'));
      decodeBase64Array(rest.slice(spec.offset).trim(), layout, out, src.name);
    } else throw bad('AppendedData encoding "raw" or "base64"', `found ${appendedEncoding}`);
  } else if (spec.format === 'binary') {
    decodeBase64Array(spec.inline.trim(), layout, out, src.name);
  } else if (spec.format === 'ascii') {
    const values = spec.inline.trim().split(/\s+/).filter((s) => s !== '');
    if (values.length !== n) throw bad(`${n} values in the ascii array`, `found ${values.length}`);
    for (let i = 0; i < n; i++) data[i] = Number(values[i]);
  } else {
    throw bad('DataArray format appended, binary or ascii', `found ${spec.format}`);
  }
  if (spec.format !== 'ascii' && layout.littleEndian !== HOST_LITTLE_ENDIAN) swapBytes(out, size);

  const exactText = /<FieldData\b[\s\S]*?<DataArray\b[^>]*Name="voxelSize_m"[^>]*>([^<]*)<\/DataArray>/.exec(xml)?.[1];
  const exact = exactText !== undefined ? Number(exactText.trim()) : NaN;
  const imageTag = /<ImageData\b[^>]*>/.exec(xml)?.[0] ?? '';
  const spacing = (attr(imageTag, 'Spacing') ?? '').trim().split(/\s+/).map(Number);
  let voxelSize: number | undefined;
  if (Number.isFinite(exact) && exact > 0) voxelSize = exact;
  else if (spacing.length === 3 && spacing.every((v) => v > 0)) {
    if (spacing.some((v) => Math.abs(v - spacing[0]!) > 1e-4 * spacing[0]!)) {
      throw new FileFormatError('voxelSize', src.name, 'cubic voxels (equal Spacing in x, y and z)', `Spacing is ${spacing.join(' ')}; pass --voxel-size to use one size`);
    }
    voxelSize = spacing[0]! * VTI_SPACING_UNIT_M;
  }
  return {
    shape,
    voxelSize,
    data,
    ...(spec.name && spec.name !== 'labels' && spec.name !== 'field' ? { name: spec.name } : {}),
    ...(spec.name === 'labels' && spec.type === 'uint8' ? { declaredLabels: true } : {}),
  };
}

function readUInt(bytes: Uint8Array, at: number, layout: Layout): number {
  const dv = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  return layout.headerBytes === 8 ? Number(dv.getBigUint64(at, layout.littleEndian)) : dv.getUint32(at, layout.littleEndian);
}

async function readAppendedRaw(src: ByteSource, at: number, layout: Layout, out: Uint8Array): Promise<void> {
  const hb = layout.headerBytes;
  if (!layout.compressed) {
    const count = readUInt(await src.read(at, hb, 'the appended array header'), 0, layout);
    if (count !== out.length) {
      throw new FileFormatError('file', src.name, `${out.length} bytes for the array (its extent and type)`, `the array header says ${count}`);
    }
    await src.readInto(out, at + hb, 'the appended array');
    return;
  }
  const nBlocks = readUInt(await src.read(at, hb, 'the compression header'), 0, layout);
  const header = await src.read(at, (3 + nBlocks) * hb, 'the compression header');
  const sizes = Array.from({ length: nBlocks }, (_, i) => readUInt(header, (3 + i) * hb, layout));
  const blocks = await src.read(at + header.length, sizes.reduce((a, b) => a + b, 0), 'the compressed blocks');
  inflateBlocks(header, blocks, sizes, layout, out, src.name);
}

function inflateBlocks(header: Uint8Array, blocks: Uint8Array, sizes: number[], layout: Layout, out: Uint8Array, file: string): void {
  const blockSize = readUInt(header, layout.headerBytes, layout);
  let pos = 0;
  let written = 0;
  for (const size of sizes) {
    let chunk: Uint8Array;
    try {
      chunk = inflateSync(blocks.subarray(pos, pos + size));
    } catch (e) {
      throw new FileFormatError('file', file, 'valid zlib blocks in the VTK array', (e as Error).message);
    }
    if (written + chunk.length > out.length || (chunk.length !== blockSize && written + chunk.length !== out.length)) {
      throw new FileFormatError('file', file, `${out.length} bytes of array data`, 'the compressed blocks do not add up');
    }
    out.set(chunk, written);
    written += chunk.length;
    pos += size;
  }
  if (written !== out.length) throw new FileFormatError('file', file, `${out.length} bytes of array data`, `found ${written}`);
}

/**
 * VTK encodes the byte-count header and the data as separate base64 runs when it writes them
 * separately; the header length (4 or 8 bytes) is never a multiple of 3, so a separate header
 * run ends in '=' padding, which tells the two layouts apart.
 */
function decodeBase64Array(text: string, layout: Layout, out: Uint8Array, file: string): void {
  const hb = layout.headerBytes;
  const b64 = (s: string): Uint8Array => {
    const buf = Buffer.from(s, 'base64');
    return new Uint8Array(buf.buffer, buf.byteOffset, buf.length);
  };
  const clean = text.replace(/\s+/g, '');
  if (!layout.compressed) {
    const headChars = 4 * Math.ceil(hb / 3);
    const separate = clean[headChars - 1] === '=';
    const bytes = separate ? b64(clean.slice(headChars)) : b64(clean).subarray(hb);
    const count = readUInt(separate ? b64(clean.slice(0, headChars)) : b64(clean), 0, layout);
    if (count !== out.length || bytes.length < count) {
      throw new FileFormatError('file', file, `${out.length} bytes for the array`, `the array holds ${Math.min(count, bytes.length)}`);
    }
    out.set(bytes.subarray(0, count));
    return;
  }
  const first = b64(clean.slice(0, 4 * hb));
  const nBlocks = readUInt(first, 0, layout);
  const headChars = 4 * Math.ceil(((3 + nBlocks) * hb) / 3);
  const header = b64(clean.slice(0, headChars));
  const sizes = Array.from({ length: nBlocks }, (_, i) => readUInt(header, (3 + i) * hb, layout));
  inflateBlocks(header, b64(clean.slice(headChars)), sizes, layout, out, file);
}

