import { isErrorCode, type ErrorCode, type Remedy } from '../api/errors.js';

/**
 * One error type for everything the user can be told about. `code` is stable (scripts and
 * the UI switch on it; `api/errors.ts` lists them all); `message` is a complete sentence for
 * a person, naming the file and the problem, in words that fit every front end; `remedy`
 * says what to do, as a command for the CLI and as an action for the GUI.
 */
export type DvpErrorCode = ErrorCode;
export type { Remedy };

export class DvpError extends Error {
  readonly code: DvpErrorCode;
  readonly file: string | undefined;
  readonly remedy: Remedy | undefined;

  constructor(code: DvpErrorCode, message: string, options: { file?: string; cause?: unknown; remedy?: Remedy } = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'DvpError';
    this.code = code;
    this.file = options.file;
    this.remedy = options.remedy;
  }
}

export function isDvpError(error: unknown): error is DvpError {
  return error instanceof DvpError;
}

/** Turns an errno-style failure on `file` into a DvpError with a readable message. */
export function fromFsError(error: unknown, file: string, action: string): DvpError {
  const code = (error as NodeJS.ErrnoException | undefined)?.code;
  switch (code) {
    case 'ENOENT':
      return new DvpError('FILE_NOT_FOUND', `${file}: no such file or directory (while trying to ${action}).`, { file, cause: error });
    case 'EACCES':
    case 'EPERM':
    case 'EROFS':
      return new DvpError('OUTPUT_UNWRITABLE', `${file}: permission denied (while trying to ${action}).`, { file, cause: error });
    case 'ENOSPC':
    case 'EDQUOT':
      return new DvpError('DISK_FULL', `${file}: the disk is full (while trying to ${action}).`, { file, cause: error });
    default:
      return new DvpError('INTERNAL', `${file}: could not ${action}: ${(error as Error)?.message ?? String(error)}`, { file, cause: error });
  }
}

/** A code that crossed a process boundary (an ApiError's) as a DvpErrorCode; one no part of DVP Studio defines is INTERNAL. */
export function asDvpErrorCode(code: string): DvpErrorCode {
  return isErrorCode(code) ? code : 'INTERNAL';
}

/** The error as the CLI prints it: the message, then the command to run (`…; run \`dvp track …\` first.`). */
export function cliText(error: { message: string; remedy?: Remedy | undefined }): string {
  return error.remedy ? `${error.message.replace(/\.$/, '')}; ${error.remedy.cli}` : error.message;
}
