/**
 * Whether this machine can submit to a Slurm farm, and why not: what the UI asks before it
 * offers "Submit to farm". Slurm's client commands must be on PATH and its controller must answer.
 */
import { execFile } from 'node:child_process';
import { accessSync, constants } from 'node:fs';
import path from 'node:path';

export interface FarmInfo {
  available: boolean;
  /** Why not, when not available. */
  reason?: string;
  /** The partitions `sinfo` lists (the default one first, without its `*`). */
  partitions?: string[];
}

/** The commands `dvp farm render --slurm` and `dvp farm status` run. */
const NEEDED = ['sbatch', 'scontrol'];
const TIMEOUT_MS = 15_000;

function onPath(command: string, envPath: string): boolean {
  return envPath.split(path.delimiter).some((dir) => {
    if (dir === '') return false;
    try {
      accessSync(path.join(dir, command), constants.X_OK);
      return true;
    } catch {
      return false;
    }
  });
}

function run(command: string, args: string[]): Promise<{ ok: boolean; stdout: string; detail: string }> {
  return new Promise((resolve) => {
    execFile(command, args, { timeout: TIMEOUT_MS, encoding: 'utf8' }, (error, stdout, stderr) => {
      const detail = (stderr || stdout || error?.message || '').trim().split('\n')[0] ?? '';
      resolve({ ok: error === null, stdout, detail });
    });
  });
}

/** Slurm's commands on PATH and its controller answering (`sinfo`, else `scontrol ping`). */
export async function farmInfo(envPath: string = process.env.PATH ?? ''): Promise<FarmInfo> {
  const missing = NEEDED.filter((command) => !onPath(command, envPath));
  if (missing.length > 0) {
    return { available: false, reason: `No Slurm farm: ${missing.join(' and ')} not found on PATH (install Slurm's client commands, e.g. apt-get install slurm-client, and its slurm.conf).` };
  }
  if (onPath('sinfo', envPath)) {
    const sinfo = await run('sinfo', ['--noheader', '--format=%P']);
    if (sinfo.ok) {
      const lines = sinfo.stdout.split('\n').map((line) => line.trim()).filter((line) => line !== '');
      const partitions = [...lines.filter((p) => p.endsWith('*')), ...lines.filter((p) => !p.endsWith('*'))].map((p) => p.replace(/\*$/, ''));
      return { available: true, partitions: [...new Set(partitions)] };
    }
  }
  const ping = await run('scontrol', ['ping']);
  if (ping.ok && /\bUP\b/.test(ping.stdout)) return { available: true };
  return { available: false, reason: `No Slurm farm: the controller does not answer (scontrol ping: ${ping.detail || 'no answer'}).` };
}
