import { open, type FileHandle } from 'node:fs/promises';
import { FileFormatError } from '../errors.ts';

/**
 * Random access to the bytes of a file, so readers fetch headers and directories piecewise and
 * read pixel data straight into the output array instead of holding the whole file twice.
 */
export interface ByteSource {
  readonly size: number;
  readonly name: string;
  /** Exactly `length` bytes at `position`; a FileFormatError naming `what` if the file ends first. */
  read(position: number, length: number, what: string): Promise<Uint8Array>;
  /** Fills `target` from `position`; a FileFormatError naming `what` if the file ends first. */
  readInto(target: Uint8Array, position: number, what: string): Promise<void>;
  close(): Promise<void>;
}

export function truncatedError(name: string, what: string, position: number, length: number, size: number): FileFormatError {
  return new FileFormatError(
    'file',
    name,
    'a complete file',
    `truncated: ${what} needs bytes ${position}..${position + length} but the file has ${size} bytes`,
  );
}

export async function openFileSource(path: string): Promise<ByteSource> {
  let fh: FileHandle;
  try {
    fh = await open(path, 'r');
  } catch (e) {
    throw new FileFormatError('file', path, 'a readable file', (e as NodeJS.ErrnoException).code);
  }
  const size = (await fh.stat()).size;
  const readInto = async (target: Uint8Array, position: number, what: string): Promise<void> => {
    if (position < 0 || position + target.length > size) throw truncatedError(path, what, position, target.length, size);
    let done = 0;
    while (done < target.length) {
      // One read call is limited to 2 GiB; loop for larger targets and short reads.
      const chunk = Math.min(target.length - done, 2 ** 30);
      const { bytesRead } = await fh.read(target, done, chunk, position + done);
      if (bytesRead === 0) throw truncatedError(path, what, position, target.length, position + done);
      done += bytesRead;
    }
  };
  return {
    size,
    name: path,
    readInto,
    async read(position, length, what) {
      const out = new Uint8Array(length);
      await readInto(out, position, what);
      return out;
    },
    close: () => fh.close(),
  };
}

export function memorySource(bytes: Uint8Array, name = '<memory>'): ByteSource {
  const check = (position: number, length: number, what: string): void => {
    if (position < 0 || position + length > bytes.length) throw truncatedError(name, what, position, length, bytes.length);
  };
  return {
    size: bytes.length,
    name,
    async read(position, length, what) {
      check(position, length, what);
      return bytes.slice(position, position + length);
    },
    async readInto(target, position, what) {
      check(position, target.length, what);
      target.set(bytes.subarray(position, position + target.length));
    },
    async close() {},
  };
}
