import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { dvp } from '../helpers/cli.js';
import { REPO_ROOT, tempDir } from '../helpers/paths.js';

interface DoctorJson {
  ffmpeg: { path: string; ffprobe: string; source: string; version: string | null; prores_ks: boolean };
  backends: { name: string; available: boolean; reason: string }[];
  cpu: { model: string; flags: string[]; threads: number; cores: number };
  native: { onednn: string; isa: string; bf16: boolean; threads: number; path: string } | null;
  speed: null | Record<string, { ms_per_frame: number | null; vs_wasm: number | null }>;
}

const ADDON = path.join(REPO_ROOT, 'native', 'dnnl', 'build', 'Release', 'dvp_dnnl.node');

async function doctor(env: NodeJS.ProcessEnv = {}): Promise<DoctorJson> {
  const result = await dvp(['doctor', '--json'], { env });
  assert.equal(result.code, 0, result.stderr);
  return JSON.parse(result.stdout) as DoctorJson;
}

describe('dvp doctor', () => {
  it('reports ffmpeg with prores_ks, every backend of the auto order, the CPU and the native addon (--json)', async () => {
    const report = await doctor();
    assert.deepEqual(Object.keys(report).sort(), ['backends', 'cpu', 'ffmpeg', 'native', 'speed']);
    assert.equal(report.ffmpeg.prores_ks, true, 'the ProRes encoder is found');
    assert.match(report.ffmpeg.version ?? '', /^\S+$/);
    assert.ok(report.ffmpeg.path.length > 0 && ['env', 'ffmpeg-static', 'system'].includes(report.ffmpeg.source));
    assert.deepEqual(report.backends.map((b) => b.name), ['tfjs-node-gpu', 'native', 'tfjs-node', 'wasm']);
    for (const backend of report.backends) {
      assert.equal(typeof backend.available, 'boolean');
      assert.ok(backend.reason.length > 0, `${backend.name} says why`);
    }
    assert.equal(report.backends.find((b) => b.name === 'wasm')?.available, true);
    assert.ok(Number.isInteger(report.cpu.threads) && report.cpu.threads >= 1);
    assert.ok(Number.isInteger(report.cpu.cores) && report.cpu.cores >= 1);
    assert.ok(Array.isArray(report.cpu.flags) && report.cpu.model.length > 0);
    assert.equal(report.speed, null, 'no measurement without --speed');
  });

  it('lists native as available when the addon is built', { skip: existsSync(ADDON) ? false : `${ADDON} is not built (npm run build:native)` }, async () => {
    const report = await doctor();
    const native = report.backends.find((b) => b.name === 'native')!;
    assert.equal(native.available, true, native.reason);
    assert.match(native.reason, /oneDNN \d+\.\d+/);
    assert.ok(report.native, 'the addon info is reported');
    assert.match(report.native.onednn, /^\d+\.\d+/);
    assert.ok(report.native.isa.length > 0);
    assert.equal(typeof report.native.bf16, 'boolean');
    assert.equal(report.native.threads, report.cpu.threads);
    assert.equal(report.native.path, ADDON);
  });

  it('lists native as unavailable, naming the missing file, when DVP_NATIVE_ADDON points nowhere', async () => {
    const missing = path.join(REPO_ROOT, 'no-such-dir', 'dvp_dnnl.node');
    const report = await doctor({ DVP_NATIVE_ADDON: missing });
    const native = report.backends.find((b) => b.name === 'native')!;
    assert.equal(native.available, false);
    assert.ok(native.reason.includes(missing), native.reason);
    assert.equal(report.native, null);
  });

  it('follows DVP_THREADS', async () => {
    const report = await doctor({ DVP_THREADS: '1' });
    assert.equal(report.cpu.threads, 1);
    if (report.native) assert.equal(report.native.threads, 1);
  });

  it('prints a readable summary without --json', async () => {
    const result = await dvp(['doctor']);
    assert.equal(result.code, 0, result.stderr);
    assert.match(result.stdout, /^ffmpeg .*prores_ks: yes/m);
    assert.match(result.stdout, /^wasm +yes /m);
    assert.match(result.stdout, /--backend auto picks \S+/);
  });
});

describe('--backend and --precision', () => {
  let dir: string;
  let cleanup: () => void;
  before(() => ({ dir, cleanup } = tempDir()));
  after(() => cleanup());

  it('refuses bf16 on a backend other than native before opening the project (exit 1)', async () => {
    const project = path.join(dir, 'absent.dvp');
    const commands = [
      ['train', project, '--preset', 'cpu-tiny'],
      ['synth', project, '--range', '0-1', '--out', path.join(dir, 'out.mp4')],
      ['eval', project],
      ['render', project, '--out', path.join(dir, 'out.mov')],
      ['dub', project, '--source', path.join(dir, 'dub.mp4')],
    ];
    for (const args of commands) {
      const result = await dvp([...args, '--backend', 'wasm', '--precision', 'bf16']);
      assert.equal(result.code, 1, `${args[0]}: ${result.stderr}`);
      assert.match(result.stderr, new RegExp(`^dvp ${args[0]}: --precision bf16 needs the native backend; the wasm backend computes in f32\\. Use --precision f32 or --backend native\\.$`, 'm'));
      assert.ok(!existsSync(project), 'nothing was created');
    }
    const tensorflow = await dvp(['render', project, '--out', path.join(dir, 'out.mov'), '--backend', 'tensorflow', '--precision', 'bf16']);
    assert.equal(tensorflow.code, 1);
    assert.match(tensorflow.stderr, /the tensorflow backend computes in f32/);
  });

  it('rejects unknown values as usage errors and lists native in the usage', async () => {
    const precision = await dvp(['render', path.join(dir, 'absent.dvp'), '--out', path.join(dir, 'out.mov'), '--precision', 'f16']);
    assert.equal(precision.code, 2);
    assert.match(precision.stderr, /Unknown precision 'f16'; choose f32 or bf16\./);
    const backend = await dvp(['train', path.join(dir, 'absent.dvp'), '--backend', 'gpu']);
    assert.equal(backend.code, 2);
    assert.match(backend.stderr, /Unknown backend 'gpu'; choose one of auto, tensorflow, native, wasm, cpu\./);
    for (const command of ['train', 'synth', 'eval', 'render', 'dub']) {
      const help = await dvp(['help', command]);
      assert.match(help.stdout, /\[--backend auto\|tensorflow\|native\|wasm\|cpu\] \[--precision f32\|bf16\]/, command);
    }
  });
});
