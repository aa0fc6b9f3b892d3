import { execFile, spawn, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { promisify } from 'node:util';
import { DVP_BIN, REPO_ROOT } from './paths.js';

export interface CliResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs the built `dvp` binary (npm test builds first). */
export function dvp(args: string[], options: { cwd?: string; env?: NodeJS.ProcessEnv } = {}): Promise<CliResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [DVP_BIN, ...args], {
      cwd: options.cwd ?? REPO_ROOT,
      env: { ...process.env, ...options.env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (c: string) => (stdout += c));
    child.stderr.setEncoding('utf8').on('data', (c: string) => (stderr += c));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

/** Runs `dvp` from the TypeScript sources through tsx (no build needed). */
export async function dvpFromSource(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  const script = `import('./src-main/cli/dvp.ts').then((m) => m.main(process.argv.slice(1))).then((code) => process.exit(code))`;
  try {
    const { stdout, stderr } = await promisify(execFile)(process.execPath, ['--import', 'tsx', '-e', script, '--', ...args], { cwd: REPO_ROOT });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const failure = error as { code: number; stdout: string; stderr: string };
    return { code: failure.code, stdout: failure.stdout, stderr: failure.stderr };
  }
}

export function sha256(file: string): string {
  return createHash('sha256').update(readFileSync(file)).digest('hex');
}

/** ffprobe's JSON for a file (an independent check of what our code wrote). */
export function ffprobeJson(file: string, extra: string[] = []): {
  streams: Record<string, unknown>[];
  format: Record<string, unknown>;
} {
  const result = spawnSync('ffprobe', ['-v', 'error', ...extra, '-show_streams', '-show_format', '-of', 'json', file], { encoding: 'utf8' });
  if (result.status !== 0) throw new Error(`ffprobe failed on ${file}: ${result.stderr}`);
  return JSON.parse(result.stdout);
}

/** ffprobe's first video stream of a file (`extra`: e.g. -count_frames, -count_packets). */
export function videoStream(file: string, extra: string[] = []): Record<string, unknown> {
  const stream = ffprobeJson(file, extra).streams.find((s) => s.codec_type === 'video');
  if (!stream) throw new Error(`${file} has no video stream`);
  return stream;
}

/** ffprobe's duration (s) of a file's first audio stream. */
export function audioDuration(file: string): number {
  const stream = ffprobeJson(file).streams.find((s) => s.codec_type === 'audio');
  if (!stream) throw new Error(`${file} has no audio stream`);
  return Number(stream.duration);
}

export function ffmpeg(args: string[]): void {
  const result = spawnSync('ffmpeg', ['-hide_banner', '-v', 'error', '-y', ...args], { encoding: 'utf8' });
  if (result.status !== 0) throw new Error(`ffmpeg ${args.join(' ')} failed: ${result.stderr}`);
}
