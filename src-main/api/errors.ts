import { z } from 'zod';

/**
 * Every failure code, one list for the engine (`DvpError`), the host, the shells and the UI.
 * The code is stable (scripts and the UI switch on it); the message says what went wrong.
 */
export const ERROR_CODES = [
  'FILE_NOT_FOUND',
  'NOT_A_VIDEO',
  'CORRUPT_VIDEO',
  'EMPTY_VIDEO',
  'NO_FACE',
  'PROJECT_TOO_NEW',
  'PROJECT_INVALID',
  'PROJECT_LOCKED',
  /** The project is open read-only and the request would change it. */
  'PROJECT_READONLY',
  /** Another project cannot be opened (or this one closed) while this one's jobs are queued or running. */
  'PROJECT_BUSY',
  'NOT_FOUND',
  'OUTPUT_UNWRITABLE',
  /** The output path exists and replacing it was not asked for (`--overwrite`, or `overwrite: true` after the UI confirmed). */
  'OUTPUT_EXISTS',
  /** The output path is one of the job's inputs (a clip's media, the project file, a transcode's source). */
  'OUTPUT_IS_INPUT',
  'DISK_FULL',
  'INVALID_ARGUMENT',
  'FFMPEG_FAILED',
  'CANCELLED',
  'BACKEND_UNAVAILABLE',
  /** A farm manager's command (sbatch, squeue, scancel…) is missing or refused the request; its message is in the error. */
  'FARM_FAILED',
  /** The request did not match its schema (a bug in the caller or a hostile message). */
  'BAD_REQUEST',
  /** No such method, or a method this shell does not offer (e.g. native dialogs in a browser). */
  'NOT_SUPPORTED',
  /** The method needs an open project. */
  'NO_PROJECT',
  /** The path lies outside the folders the API may reach. */
  'PATH_NOT_ALLOWED',
  /** The engine process died while the request was in flight. */
  'ENGINE_CRASHED',
  /** The engine is shutting down or restarting and takes no new work. */
  'ENGINE_UNAVAILABLE',
  /** The caller (a window, a page) may not use the API at all. */
  'FORBIDDEN',
  'INTERNAL',
] as const;
export type ErrorCode = (typeof ERROR_CODES)[number];

export function isErrorCode(code: string): code is ErrorCode {
  return (ERROR_CODES as readonly string[]).includes(code);
}

/**
 * What the user can do about a failure, worded for each front end: the CLI names a command
 * (`dvp track FILE --clip 1`), the GUI an action ("Track the clip in the Tracking panel").
 * Messages never quote either; they say what is wrong.
 */
export const RemedySchema = z.object({ cli: z.string().min(1), gui: z.string().min(1) });
export type Remedy = z.infer<typeof RemedySchema>;

/** An error as the GUI shows it: the message, then what to do in the app. */
export function guiText(error: { message: string; remedy?: Remedy | undefined }): string {
  return error.remedy ? `${error.message} ${error.remedy.gui}` : error.message;
}
