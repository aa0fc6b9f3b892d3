import type { Clip } from '../../../../src-main/api/schemas.js';
import { offsetTimecode, rationalToNumber } from '../../../../src-main/api/timecode.js';

/** J/K/L shuttle speeds, as in every NLE: each press of L (or J) doubles, up to 8×. */
const SHUTTLE_SPEEDS = [1, 2, 4, 8];

/**
 * The playhead of the viewer: which frame is wanted, play/pause, J/K/L shuttle, stepping.
 * Playback follows the wall clock (frames are dropped, never slowed, when decoding lags).
 */
export class Player {
  clip = $state<Clip | null>(null);
  /** The frame at the playhead. */
  frame = $state(0);
  /** Signed playback speed in multiples of real time; 0 when paused. */
  speed = $state(0);
  /** Fit the frame to the viewer, or show it pixel for pixel. */
  zoom = $state<'fit' | 'actual'>('fit');

  /** In and out marks (I / O), null where unset: the render range follows them. */
  in = $state<number | null>(null);
  out = $state<number | null>(null);

  readonly playing = $derived(this.speed !== 0);
  readonly lastFrame = $derived(this.clip ? Math.max(0, this.clip.frameCount - 1) : 0);
  readonly timecode = $derived(this.clip ? offsetTimecode(this.clip.startTimecode, this.frame, this.clip.fps) : '--:--:--:--');
  readonly fps = $derived(this.clip ? rationalToNumber(this.clip.fps) : 25);

  private anchor = { frame: 0, time: 0 };
  private raf = 0;

  setClip(clip: Clip | null): void {
    if (clip?.id === this.clip?.id && clip?.frameCount === this.clip?.frameCount) {
      this.clip = clip;
      return;
    }
    this.pause();
    this.clip = clip;
    this.frame = 0;
    this.clearMarks();
  }

  /** I: the range starts at the playhead (an out mark before it goes). */
  markIn(): void {
    if (!this.clip) return;
    this.in = this.frame;
    if (this.out !== null && this.out < this.frame) this.out = null;
  }

  clearMarks(): void {
    this.in = null;
    this.out = null;
  }

  /** O: the range ends at the playhead (an in mark after it goes). */
  markOut(): void {
    if (!this.clip) return;
    this.out = this.frame;
    if (this.in !== null && this.in > this.frame) this.in = null;
  }

  seek(frame: number): void {
    this.frame = Math.min(this.lastFrame, Math.max(0, Math.round(frame)));
    if (this.playing) this.anchor = { frame: this.frame, time: performance.now() };
  }

  step(delta: number): void {
    this.pause();
    this.seek(this.frame + delta);
  }

  toStart(): void {
    this.step(-this.frame);
  }

  toEnd(): void {
    this.step(this.lastFrame - this.frame);
  }

  togglePlay(): void {
    if (this.playing) this.pause();
    else this.play(1);
  }

  play(speed: number): void {
    if (!this.clip || speed === 0) return this.pause();
    if (speed > 0 && this.frame >= this.lastFrame) this.frame = 0;
    if (speed < 0 && this.frame <= 0) this.frame = this.lastFrame;
    this.speed = speed;
    this.anchor = { frame: this.frame, time: performance.now() };
    if (!this.raf) this.raf = requestAnimationFrame((t) => this.tick(t));
  }

  pause(): void {
    this.speed = 0;
    if (this.raf) cancelAnimationFrame(this.raf);
    this.raf = 0;
  }

  /** J (direction -1) or L (+1): start, or go one shuttle step faster in that direction. */
  shuttle(direction: -1 | 1): void {
    const current = Math.sign(this.speed) === direction ? Math.abs(this.speed) : 0;
    const next = SHUTTLE_SPEEDS.find((s) => s > current) ?? SHUTTLE_SPEEDS.at(-1) ?? 1;
    this.play(direction * next);
  }

  private tick(now: number): void {
    this.raf = 0;
    if (!this.playing) return;
    const elapsed = (now - this.anchor.time) / 1000;
    const target = Math.round(this.anchor.frame + elapsed * this.fps * this.speed);
    if ((this.speed > 0 && target >= this.lastFrame) || (this.speed < 0 && target <= 0)) {
      this.frame = Math.min(this.lastFrame, Math.max(0, target));
      this.pause();
      return;
    }
    this.frame = target;
    this.raf = requestAnimationFrame((t) => this.tick(t));
  }
}
