import { accessSync, constants, existsSync, linkSync, renameSync, rmSync, statSync, unlinkSync } from 'node:fs';
import path from 'node:path';
import { DvpError, fromFsError } from '../../shared/errors.js';
import { checkOutputPath, CLI_OVERWRITE_HINT, protectedTarget, type OutputPolicy } from './output-guard.js';

/**
 * Encoders write to `<name>.partial<ext>` beside the output and move it into place on
 * success, so a failed or cancelled render never leaves a half-written file under the final
 * name. The output is checked first (`checkOutputPath`: never one of the inputs, never an
 * existing file unless `overwrite`), and the move replaces an existing file only then.
 */
export class OutputFile {
  readonly partial: string;

  constructor(
    readonly final: string,
    private readonly policy: OutputPolicy,
  ) {
    const ext = path.extname(final);
    this.partial = `${final.slice(0, final.length - ext.length)}.partial${ext}`;
    assertWritableDirectory(final);
    checkOutputPath(final, policy);
    const hit = protectedTarget(this.partial, policy.protect ?? []);
    if (hit) throw new DvpError('OUTPUT_IS_INPUT', `${final}: its temporary file ${this.partial} would overwrite ${hit.what}; choose another output path.`, { file: final });
    // A stale partial (or a link planted there) is removed, never written through.
    try {
      rmSync(this.partial, { force: true });
    } catch (error) {
      throw fromFsError(error, this.partial, 'remove an old temporary file');
    }
  }

  /** Moves the finished file into place; an existing file is replaced only under `overwrite` (checked again now). */
  commit(): void {
    try {
      checkOutputPath(this.final, this.policy);
    } catch (error) {
      this.discard();
      throw error;
    }
    if (!this.policy.overwrite && this.placeWithoutReplacing()) return;
    try {
      renameSync(this.partial, this.final);
    } catch (error) {
      throw fromFsError(error, this.final, 'move the finished file into place');
    }
  }

  /**
   * A hard link fails if the output appeared meanwhile, so nothing is replaced behind the
   * check. False where the file system has no hard links (the checked rename is used then).
   */
  private placeWithoutReplacing(): boolean {
    try {
      linkSync(this.partial, this.final);
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      if (code === 'EEXIST') {
        this.discard();
        throw new DvpError('OUTPUT_EXISTS', `${this.final} already exists (it appeared while this was being written); ${this.policy.overwriteHint ?? CLI_OVERWRITE_HINT}.`, { file: this.final });
      }
      if (code === 'ENOSPC' || code === 'EDQUOT' || code === 'EACCES' || code === 'EROFS') throw fromFsError(error, this.final, 'move the finished file into place');
      return false;
    }
    try {
      unlinkSync(this.partial);
    } catch {
      // The output is in place; a leftover partial is removed by the next write.
    }
    return true;
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
