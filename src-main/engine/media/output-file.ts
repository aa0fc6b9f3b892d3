import { accessSync, constants, existsSync, renameSync, rmSync, statSync } from 'node:fs';
import path from 'node:path';
import { DvpError, fromFsError } from '../../shared/errors.js';

/**
 * Encoders write to `<name>.partial<ext>` and rename on success, so a failed or
 * cancelled render never leaves a half-written file under the final name.
 */
export class OutputFile {
  readonly partial: string;

  constructor(readonly final: string) {
    const ext = path.extname(final);
    this.partial = `${final.slice(0, final.length - ext.length)}.partial${ext}`;
    assertWritableDirectory(final);
  }

  commit(): void {
    try {
      renameSync(this.partial, this.final);
    } catch (error) {
      throw fromFsError(error, this.final, 'move the finished file into place');
    }
  }

  discard(): void {
    rmSync(this.partial, { force: true });
  }
}

export function assertWritableDirectory(file: string): void {
  const dir = path.dirname(path.resolve(file));
  if (!existsSync(dir) || !statSync(dir).isDirectory()) {
    throw new DvpError('OUTPUT_UNWRITABLE', `${file}: the output folder ${dir} does not exist.`, { file });
  }
  try {
    accessSync(dir, constants.W_OK);
  } catch {
    throw new DvpError('OUTPUT_UNWRITABLE', `${file}: the output folder ${dir} is not writable.`, { file });
  }
}
