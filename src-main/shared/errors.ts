/**
 * One error type for everything the user can be told about. `code` is stable
 * (scripts and the UI switch on it); `message` is a complete sentence for a person,
 * naming the file and the problem.
 */
export type DvpErrorCode =
  | 'FILE_NOT_FOUND'
  | 'NOT_A_VIDEO'
  | 'CORRUPT_VIDEO'
  | 'EMPTY_VIDEO'
  | 'NO_FACE'
  | 'PROJECT_TOO_NEW'
  | 'PROJECT_INVALID'
  | 'PROJECT_LOCKED'
  | 'NOT_FOUND'
  | 'OUTPUT_UNWRITABLE'
  /** The output path exists and replacing it was not asked for (`--overwrite`, or `overwrite: true` after the UI confirmed). */
  | 'OUTPUT_EXISTS'
  /** The output path is one of the job's inputs (a clip's media, the project file, a transcode's source). */
  | 'OUTPUT_IS_INPUT'
  | 'DISK_FULL'
  | 'INVALID_ARGUMENT'
  | 'FFMPEG_FAILED'
  | 'CANCELLED'
  | 'BACKEND_UNAVAILABLE'
  /** A farm manager's command (sbatch, squeue, scancel…) is missing or refused the request; its message is in the error. */
  | 'FARM_FAILED'
  | 'INTERNAL';

export class DvpError extends Error {
  readonly code: DvpErrorCode;
  readonly file: string | undefined;

  constructor(code: DvpErrorCode, message: string, options: { file?: string; cause?: unknown } = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'DvpError';
    this.code = code;
    this.file = options.file;
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

/** Every DvpErrorCode (the compiler checks that none is missing). */
const KNOWN_CODES: Record<DvpErrorCode, true> = {
  FILE_NOT_FOUND: true, NOT_A_VIDEO: true, CORRUPT_VIDEO: true, EMPTY_VIDEO: true, NO_FACE: true, PROJECT_TOO_NEW: true,
  PROJECT_INVALID: true, PROJECT_LOCKED: true, NOT_FOUND: true, OUTPUT_UNWRITABLE: true, OUTPUT_EXISTS: true,
  OUTPUT_IS_INPUT: true, DISK_FULL: true, INVALID_ARGUMENT: true, FFMPEG_FAILED: true, CANCELLED: true,
  BACKEND_UNAVAILABLE: true, FARM_FAILED: true, INTERNAL: true,
};

/** A code that crossed a process boundary (an ApiError's) as a DvpErrorCode; one the engine does not define is INTERNAL. */
export function asDvpErrorCode(code: string): DvpErrorCode {
  return Object.hasOwn(KNOWN_CODES, code) ? (code as DvpErrorCode) : 'INTERNAL';
}
