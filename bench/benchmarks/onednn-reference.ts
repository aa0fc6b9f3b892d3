/**
 * The library's own limit: ../shared/tools/onednn-unet-convs.cpp times the paper-256 U-Net's
 * convolutions with oneDNN alone. Built and run here, in the same benchmark run as our backend.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export interface OnednnReference {
  /** Seconds for the generator's convolutions, forward, at batch 1, 256². */
  forwardSeconds: number;
  /** Forward + backward-data + backward-weights of the same convolutions. */
  trainStepSeconds: number;
  gflopPerSecond: number;
}

const SOURCE = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..', '..', 'shared', 'tools', 'onednn-unet-convs.cpp');

/** Runs the reference at 256², batch 1, for each precision; undefined when it cannot be built here. */
export function onednnReference(precisions: ('f32' | 'bf16')[]): Partial<Record<'f32' | 'bf16', OnednnReference>> | { unavailable: string } {
  if (!existsSync(SOURCE)) return { unavailable: `${SOURCE} is missing` };
  const dir = mkdtempSync(path.join(os.tmpdir(), 'dvp-onednn-ref-'));
  try {
    const binary = path.join(dir, 'unet-convs');
    execFileSync('g++', ['-O2', '-std=c++17', SOURCE, '-o', binary, '-ldnnl'], { stdio: 'pipe' });
    const out: Partial<Record<'f32' | 'bf16', OnednnReference>> = {};
    for (const precision of precisions) {
      const line = execFileSync(binary, ['256', '1', precision], { encoding: 'utf8' });
      const match = /fwd ([\d.]+) s \(([\d.]+) GFLOP\/s\).*train-step-G ([\d.]+) s/.exec(line);
      if (!match) return { unavailable: `unexpected reference output: ${line.trim()}` };
      out[precision] = { forwardSeconds: Number(match[1]), gflopPerSecond: Number(match[2]), trainStepSeconds: Number(match[3]) };
    }
    return out;
  } catch (error) {
    return { unavailable: (error as Error).message.split('\n')[0]! };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
