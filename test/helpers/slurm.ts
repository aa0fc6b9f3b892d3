/**
 * A single-node Slurm cluster for a test: a generated slurm.conf naming this host, munged,
 * slurmctld and slurmd started as root (state, spool and logs in a temp folder) and stopped
 * again. Needs root and Debian's slurmctld, slurmd, slurm-client and munge (scripts/setup.sh
 * installs them); `slurmUnavailable()` says why a test must be skipped otherwise.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync, chmodSync, chownSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

const BINARIES = ['/usr/sbin/slurmctld', '/usr/sbin/slurmd', '/usr/sbin/munged', '/usr/bin/sbatch', '/usr/bin/sinfo'];

/** Why a single-node Slurm cannot run here, or null when it can. */
export function slurmUnavailable(): string | null {
  if (process.platform !== 'linux') return 'Slurm tests run on Linux only';
  if (process.getuid?.() !== 0) return 'starting slurmctld/slurmd needs root';
  const missing = BINARIES.filter((file) => !existsSync(file));
  if (missing.length > 0) return `Slurm is not installed (missing ${missing.join(', ')}; apt-get install slurmctld slurmd slurm-client munge)`;
  return null;
}

export interface SlurmCluster {
  /** The slurm.conf; client commands find it through SLURM_CONF (set in process.env while the cluster runs). */
  conf: string;
  dir: string;
  node: string;
  stop(): Promise<void>;
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

function log(file: string): string {
  try {
    return readFileSync(file, 'utf8').split('\n').slice(-20).join('\n');
  } catch {
    return '(no log)';
  }
}

/** Memory for the node: a little under what this machine has (slurmd refuses a node with more than it finds). */
function realMemoryMb(): number {
  return Math.max(256, Math.floor(os.totalmem() / 2 ** 20) - 512);
}

export async function startSlurm(dir: string): Promise<SlurmCluster> {
  const node = spawnSync('hostname', ['-s'], { encoding: 'utf8' }).stdout.trim() || os.hostname().split('.')[0]!;
  for (const sub of ['state', 'spool', 'munge']) mkdirSync(path.join(dir, sub), { recursive: true });
  const conf = path.join(dir, 'slurm.conf');
  writeFileSync(
    conf,
    [
      'ClusterName=dvptest',
      // Addresses given, so a container whose hostname does not resolve still works.
      `SlurmctldHost=${node}(127.0.0.1)`,
      'AuthType=auth/munge',
      'CredType=cred/munge',
      'MpiDefault=none',
      'ProctrackType=proctrack/linuxproc',
      'TaskPlugin=task/none',
      'JobAcctGatherType=jobacct_gather/none',
      'AccountingStorageType=accounting_storage/none',
      'JobCompType=jobcomp/none',
      'ReturnToService=2',
      'SlurmUser=root',
      'SlurmdUser=root',
      `StateSaveLocation=${path.join(dir, 'state')}`,
      `SlurmdSpoolDir=${path.join(dir, 'spool')}`,
      `SlurmctldPidFile=${path.join(dir, 'slurmctld.pid')}`,
      `SlurmdPidFile=${path.join(dir, 'slurmd.pid')}`,
      `SlurmctldLogFile=${path.join(dir, 'slurmctld.log')}`,
      `SlurmdLogFile=${path.join(dir, 'slurmd.log')}`,
      'SchedulerType=sched/backfill',
      'SelectType=select/cons_tres',
      'SelectTypeParameters=CR_Core',
      // Finished jobs stay in scontrol's memory for an hour (no accounting database here).
      'MinJobAge=3600',
      'KillWait=5',
      'InactiveLimit=0',
      `NodeName=${node} NodeAddr=127.0.0.1 CPUs=${Math.max(1, os.cpus().length)} RealMemory=${realMemoryMb()} State=UNKNOWN`,
      `PartitionName=debug Nodes=${node} Default=YES MaxTime=INFINITE State=UP`,
      '',
    ].join('\n'),
  );

  const children: ChildProcess[] = [];
  const start = (command: string, args: string[]): ChildProcess => {
    const child = spawn(command, args, { stdio: 'ignore' });
    child.on('error', () => undefined);
    children.push(child);
    return child;
  };

  // munged, on its own socket, run as root (--force: root is allowed here), with the system key.
  const key = '/etc/munge/munge.key';
  if (!existsSync(key)) {
    spawnSync('mungekey', ['--create', `--keyfile=${key}`]);
    if (!existsSync(key)) writeFileSync(key, Buffer.from(Array.from({ length: 128 }, () => Math.floor(Math.random() * 256))));
    chmodSync(key, 0o400);
  }
  const mungeDir = '/run/munge';
  mkdirSync(mungeDir, { recursive: true });
  const socket = path.join(mungeDir, 'munge.socket.2');
  const mungeRunning = spawnSync('munge', ['-n'], { stdio: 'ignore' }).status === 0;
  if (!mungeRunning) {
    try {
      chownSync(key, 0, 0);
    } catch {
      // The key stays as the package left it.
    }
    start('/usr/sbin/munged', ['--foreground', '--force', `--socket=${socket}`, `--key-file=${key}`, `--pid-file=${path.join(dir, 'munge', 'munged.pid')}`, `--log-file=${path.join(dir, 'munge', 'munged.log')}`, `--seed-file=${path.join(dir, 'munge', 'munged.seed')}`]);
    for (let i = 0; i < 50 && spawnSync('munge', ['-n'], { stdio: 'ignore' }).status !== 0; i++) await sleep(100);
    if (spawnSync('munge', ['-n'], { stdio: 'ignore' }).status !== 0) throw new Error(`munged did not start:\n${log(path.join(dir, 'munge', 'munged.log'))}`);
  }

  start('/usr/sbin/slurmctld', ['-D', '-i', '-f', conf]);
  start('/usr/sbin/slurmd', ['-D', '-f', conf]);
  const env = { ...process.env, SLURM_CONF: conf };
  let idle = false;
  let last = '';
  for (let i = 0; i < 300 && !idle; i++) {
    await sleep(200);
    const sinfo = spawnSync('sinfo', ['--noheader', '--Node', '--format=%N %t'], { encoding: 'utf8', env });
    last = `${sinfo.stdout}${sinfo.stderr}`.trim();
    idle = sinfo.status === 0 && new RegExp(`^${node}\\s+idle`, 'm').test(sinfo.stdout);
  }
  const stop = async (): Promise<void> => {
    for (const child of children.reverse()) {
      if (child.exitCode === null && child.signalCode === null) {
        const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
        child.kill('SIGTERM');
        await Promise.race([exited, sleep(10_000)]);
        if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
      }
    }
    if (process.env.SLURM_CONF === conf) delete process.env.SLURM_CONF;
  };
  if (!idle) {
    await stop();
    throw new Error(`the single-node Slurm did not come up (sinfo: ${last}):\nslurmctld:\n${log(path.join(dir, 'slurmctld.log'))}\nslurmd:\n${log(path.join(dir, 'slurmd.log'))}`);
  }
  process.env.SLURM_CONF = conf;
  return { conf, dir, node, stop };
}

/** Waits until Slurm no longer holds job `id` as pending or running (scontrol keeps ended jobs for MinJobAge). */
export async function waitForJob(id: string, timeoutMs: number): Promise<string> {
  const deadline = Date.now() + timeoutMs;
  let state = '';
  while (Date.now() < deadline) {
    const out = spawnSync('scontrol', ['show', 'job', '-o', id], { encoding: 'utf8' }).stdout;
    const states = [...out.matchAll(/JobState=(\S+)/g)].map((m) => m[1]!);
    state = states.join(',');
    if (states.length > 0 && states.every((s) => !['PENDING', 'RUNNING', 'CONFIGURING', 'COMPLETING', 'REQUEUED'].includes(s))) return state;
    await sleep(500);
  }
  throw new Error(`Slurm job ${id} did not end within ${timeoutMs / 1000} s (state ${state})`);
}
