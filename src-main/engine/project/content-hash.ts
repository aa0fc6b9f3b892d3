import { createHash } from 'node:crypto';
import { closeSync, fstatSync, openSync, readSync } from 'node:fs';
import { fromFsError } from '../../shared/errors.js';

const SAMPLE = 4 << 20;

/**
 * Identifies a media file independent of its name: SHA-256 over the size and three
 * 4 MiB samples (start, middle, end). Whole files under 12 MiB are hashed entirely.
 * Fast on multi-gigabyte camera files, and enough to recognise a moved clip.
 */
export function contentHash(file: string): string {
  let fd: number;
  try {
    fd = openSync(file, 'r');
  } catch (error) {
    throw fromFsError(error, file, 'read the file');
  }
  try {
    const size = fstatSync(fd).size;
    const hash = createHash('sha256');
    hash.update(`dvp-content-v1:${size}:`);
    const offsets = size <= 3 * SAMPLE ? [0] : [0, Math.floor(size / 2) - SAMPLE / 2, size - SAMPLE];
    const length = size <= 3 * SAMPLE ? size : SAMPLE;
    const buffer = Buffer.alloc(length);
    for (const offset of offsets) {
      let read = 0;
      while (read < length) {
        const n = readSync(fd, buffer, read, length - read, offset + read);
        if (n === 0) break;
        read += n;
      }
      hash.update(buffer.subarray(0, read));
    }
    return `v1:${hash.digest('hex')}`;
  } finally {
    closeSync(fd);
  }
}
