/**
 * `dvp doctor`: what this machine offers DVP Studio — ffmpeg and its ProRes encoder, every ML
 * backend `auto` considers and why it can or cannot run, the CPU features the native backend
 * uses, and the oneDNN addon; with `--speed`, the paper-256 generator's inference time per
 * frame on each available backend, each measured in a process of its own.
 */
import { spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { ffmpegBinaries } from '../../engine/media/ffmpeg-binary.js';
import { runProcess } from '../../engine/media/run-process.js';
import { backendStatuses, type BackendStatus } from '../../engine/translate/backend.js';
import { addonPath, loadNativeAddon, threadCount, type NativeAddonInfo } from '../../engine/translate/native/addon.js';
import type { CliCommand, CommandContext } from '../command.js';
import type { SpeedSample } from '../doctor-speed-worker.js';

export interface FfmpegReport {
  path: string;
  ffprobe: string;
  /** DVP_FFMPEG, the bundled ffmpeg-static binary, or `ffmpeg` on PATH. */
  source: string;
  /** e.g. "5.1.8-0+deb12u1"; null when ffmpeg did not run. */
  version: string | null;
  /** Whether the ProRes encoder DVP Studio renders with exists. */
  prores_ks: boolean;
  /** Why ffmpeg did not run, when it did not. */
  error?: string;
}

export interface CpuReport {
  model: string;
  /** The features the native backend cares about that this CPU has (from /proc/cpuinfo). */
  flags: string[];
  /** Threads oneDNN and our kernels use: DVP_THREADS, else every core. */
  threads: number;
  /** Logical cores. */
  cores: number;
}

export interface SpeedEntry {
  /** Median inference time of one 256² frame of the paper-256 generator; null when it failed. */
  ms_per_frame: number | null;
  /** wasm's ms per frame / this backend's (how many times faster than wasm); null without both. */
  vs_wasm: number | null;
  provider?: string;
  frames?: number;
  error?: string;
}

export interface DoctorReport {
  ffmpeg: FfmpegReport;
  backends: BackendStatus[];
  cpu: CpuReport;
  native: (NativeAddonInfo & { path: string }) | null;
  /** Present with --speed, else null. Keys: native, native-bf16, wasm, tensorflow. */
  speed: Record<string, SpeedEntry> | null;
}

/** The CPU features reported: x86 AVX2/AVX-512/bf16/AMX, and aarch64's SIMD/SVE/bf16. */
const CPU_FEATURES = ['avx2', 'avx512f', 'avx512_bf16', 'amx_bf16', 'amx_tile', 'asimd', 'sve', 'bf16'];

/** A bare command name as the PATH lookup resolves it; paths stay as they are. */
function onPath(command: string): string {
  if (path.isAbsolute(command) || command.includes('/') || command.includes('\\')) return command;
  const extensions = process.platform === 'win32' ? ['.exe', ''] : [''];
  for (const dir of (process.env.PATH ?? '').split(path.delimiter)) {
    for (const extension of extensions) {
      const candidate = path.join(dir, command + extension);
      if (dir && existsSync(candidate)) return candidate;
    }
  }
  return command;
}

async function ffmpegReport(): Promise<FfmpegReport> {
  const binaries = ffmpegBinaries();
  const report: FfmpegReport = { path: onPath(binaries.ffmpeg), ffprobe: onPath(binaries.ffprobe), source: binaries.source, version: null, prores_ks: false };
  try {
    const version = await runProcess(binaries.ffmpeg, ['-hide_banner', '-version']);
    report.version = /ffmpeg version (\S+)/.exec(version.stdout.toString('utf8'))?.[1] ?? null;
    const encoders = await runProcess(binaries.ffmpeg, ['-hide_banner', '-encoders']);
    report.prores_ks = /^\s*\S+\s+prores_ks\s/m.test(encoders.stdout.toString('utf8'));
  } catch (error) {
    report.error = (error as Error).message;
  }
  return report;
}

function cpuReport(): CpuReport {
  let info = '';
  try {
    info = readFileSync('/proc/cpuinfo', 'utf8');
  } catch {
    // Not Linux: no flags to read.
  }
  const flagsLine = /^(?:flags|Features)\s*:(.*)$/m.exec(info)?.[1] ?? '';
  const present = new Set(flagsLine.trim().split(/\s+/));
  const model = /^model name\s*:\s*(.*)$/m.exec(info)?.[1]?.trim() ?? os.cpus()[0]?.model?.trim() ?? 'unknown';
  return { model, flags: CPU_FEATURES.filter((f) => present.has(f)), threads: threadCount(), cores: os.availableParallelism() };
}

function nativeReport(): DoctorReport['native'] {
  const loaded = loadNativeAddon();
  return 'addon' in loaded ? { ...loaded.addon.info(), path: addonPath() } : null;
}

/** Node options that load code (tsx when run from the sources), carried over to the worker. */
function loaderArgs(execArgv: readonly string[]): string[] {
  const out: string[] = [];
  for (let i = 0; i < execArgv.length; i++) {
    const arg = execArgv[i]!;
    if (/^--(import|loader|experimental-loader|require)=/.test(arg)) out.push(arg);
    else if (['--import', '--loader', '--experimental-loader', '--require', '-r'].includes(arg) && execArgv[i + 1] !== undefined) out.push(arg, execArgv[++i]!);
  }
  return out;
}

function workerFile(): string {
  const self = fileURLToPath(import.meta.url);
  return path.join(path.dirname(self), '..', `doctor-speed-worker${path.extname(self)}`);
}

const WORKER_TIMEOUT_MS = 10 * 60_000;

/** Runs one measurement in a child process; rejects with its last error line. */
function measureInChild(backend: string, precision: string, warmup: number, frames: number, signal: AbortSignal): Promise<SpeedSample> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [...loaderArgs(process.execArgv), workerFile(), backend, precision, String(warmup), String(frames)], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    const kill = (): void => {
      child.kill('SIGKILL');
    };
    const timer = setTimeout(kill, WORKER_TIMEOUT_MS);
    signal.addEventListener('abort', kill, { once: true });
    child.stdout.setEncoding('utf8').on('data', (c: string) => (stdout += c));
    child.stderr.setEncoding('utf8').on('data', (c: string) => (stderr += c));
    child.on('error', (error) => {
      clearTimeout(timer);
      signal.removeEventListener('abort', kill);
      reject(error);
    });
    child.on('close', (code, killed) => {
      clearTimeout(timer);
      signal.removeEventListener('abort', kill);
      const last = stdout.trim().split('\n').at(-1) ?? '';
      if (code === 0 && last.startsWith('{')) {
        resolve(JSON.parse(last) as SpeedSample);
        return;
      }
      const why = stderr.trim().split('\n').filter(Boolean).at(-1);
      reject(new Error(killed ? `stopped (${signal.aborted ? 'cancelled' : `no result within ${WORKER_TIMEOUT_MS / 60_000} min`})` : (why ?? `exited with code ${code}`)));
    });
  });
}

interface SpeedTarget {
  key: string;
  backend: string;
  precision: 'f32' | 'bf16';
  warmup: number;
  frames: number;
}

function speedTargets(backends: BackendStatus[], native: DoctorReport['native']): SpeedTarget[] {
  const available = (name: string): boolean => backends.some((b) => b.name === name && b.available);
  const targets: SpeedTarget[] = [];
  if (available('native')) {
    targets.push({ key: 'native', backend: 'native', precision: 'f32', warmup: 2, frames: 5 });
    if (native?.bf16) targets.push({ key: 'native-bf16', backend: 'native', precision: 'bf16', warmup: 2, frames: 5 });
  }
  // wasm runs one thread at about a second per frame: fewer frames.
  targets.push({ key: 'wasm', backend: 'wasm', precision: 'f32', warmup: 1, frames: 3 });
  if (available('tfjs-node-gpu') || available('tfjs-node')) targets.push({ key: 'tensorflow', backend: 'tensorflow', precision: 'f32', warmup: 2, frames: 5 });
  return targets;
}

async function measureSpeed(context: CommandContext, targets: SpeedTarget[]): Promise<Record<string, SpeedEntry>> {
  const speed: Record<string, SpeedEntry> = {};
  for (const [i, target] of targets.entries()) {
    context.progress('speed', { done: i, total: targets.length, message: target.key });
    try {
      const sample = await measureInChild(target.backend, target.precision, target.warmup, target.frames, context.signal);
      speed[target.key] = { ms_per_frame: Math.round(sample.ms_per_frame * 10) / 10, vs_wasm: null, provider: sample.provider, frames: sample.frames };
    } catch (error) {
      speed[target.key] = { ms_per_frame: null, vs_wasm: null, error: (error as Error).message };
    }
    if (context.signal.aborted) break;
  }
  context.progress('speed', { done: targets.length, total: targets.length });
  const wasm = speed.wasm?.ms_per_frame ?? null;
  for (const entry of Object.values(speed)) {
    if (wasm !== null && entry.ms_per_frame !== null && entry.ms_per_frame > 0) entry.vs_wasm = Math.round((wasm / entry.ms_per_frame) * 100) / 100;
  }
  return speed;
}

function table(rows: string[][]): string[] {
  const widths = rows[0]!.map((_, c) => Math.max(...rows.map((r) => (r[c] ?? '').length)));
  return rows.map((r) => r.map((cell, c) => (c === r.length - 1 ? cell : cell.padEnd(widths[c]!))).join('  ').trimEnd());
}

function describe(report: DoctorReport): string[] {
  const lines: string[] = [];
  const f = report.ffmpeg;
  lines.push(
    f.version === null
      ? `ffmpeg   ${f.path} (${f.source}): did not run: ${f.error ?? 'no version line'}`
      : `ffmpeg   ${f.version} at ${f.path} (${f.source}); ProRes encoder prores_ks: ${f.prores_ks ? 'yes' : 'MISSING (ProRes renders will fail)'}`,
  );
  const c = report.cpu;
  const missing = CPU_FEATURES.slice(0, 5).filter((flag) => !c.flags.includes(flag));
  lines.push(`cpu      ${c.model}; ${c.threads} of ${c.cores} threads${process.env.DVP_THREADS ? ' (DVP_THREADS)' : ''}; ${c.flags.length > 0 ? c.flags.join(' ') : 'no AVX2/AVX-512/AMX'}${missing.length > 0 && c.flags.some((flag) => flag.startsWith('avx')) ? ` (no ${missing.join(', ')})` : ''}`);
  const n = report.native;
  lines.push(n ? `native   oneDNN ${n.onednn}, ISA ${n.isa}, bf16 ${n.bf16 ? 'native' : 'no'}, ${n.threads} threads (${n.path})` : `native   not loaded: ${report.backends.find((b) => b.name === 'native')?.reason ?? 'unknown'}`);
  lines.push('');
  const auto = report.backends.find((b) => b.available)?.name ?? 'none';
  lines.push(...table([['backend', 'available', 'why'], ...report.backends.map((b) => [b.name, b.available ? 'yes' : 'no', b.reason])]));
  lines.push(`--backend auto picks ${auto} (the first available, in this order).`);
  if (report.speed) {
    lines.push('', 'speed: paper-256 generator, one 256² frame, median');
    const rows = Object.entries(report.speed).map(([name, s]) => [name, s.ms_per_frame === null ? 'failed' : `${s.ms_per_frame.toFixed(1)} ms`, s.vs_wasm === null ? '' : `${s.vs_wasm.toFixed(2)}× wasm`, s.error ?? s.provider ?? '']);
    lines.push(...table([['backend', 'per frame', 'vs wasm', ''], ...rows]));
  }
  return lines;
}

export const doctorCommand: CliCommand = {
  name: 'doctor',
  summary: 'Check this machine: ffmpeg and its ProRes encoder, the ML backends and why each can or cannot run, CPU features, the oneDNN addon; --speed measures each backend.',
  usage: 'doctor [--json] [--speed]',
  options: { json: { type: 'boolean' }, speed: { type: 'boolean' } },
  async run(context) {
    const ffmpeg = await ffmpegReport();
    const backends = await backendStatuses();
    const native = nativeReport();
    const report: DoctorReport = { ffmpeg, backends, cpu: cpuReport(), native, speed: null };
    if (context.values.speed) report.speed = await measureSpeed(context, speedTargets(backends, native));
    if (context.values.json) context.stdout(JSON.stringify(report, null, 2));
    else for (const line of describe(report)) context.stdout(line);
  },
};
