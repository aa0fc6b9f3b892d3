import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { CHANNELS_PER_FRAME } from '../../src-main/engine/condition/frame-renderer.js';
import { renderVolume, SlidingVolume, volumeLength, windowFrames } from '../../src-main/engine/condition/volume.js';

const WIDTH = 7;
const HEIGHT = 5;
const PIXELS = WIDTH * HEIGHT;

/** A frame whose every value names its frame, pixel and channel, so misplaced data is detected. */
function valueOf(frame: number, pixel: number, channel: number): number {
  return (frame * 1000 + pixel * 10 + channel) / 1e5;
}

function drawFrame(frame: number, out: Float32Array, stride: number, offset: number): void {
  for (let p = 0; p < PIXELS; p++) for (let c = 0; c < CHANNELS_PER_FRAME; c++) out[offset + p * stride + c] = valueOf(frame, p, c);
}

function assertVolumeHolds(volume: Float32Array, frames: number[]): void {
  const stride = CHANNELS_PER_FRAME * frames.length;
  for (let p = 0; p < PIXELS; p++) {
    frames.forEach((frame, slot) => {
      for (let c = 0; c < CHANNELS_PER_FRAME; c++) {
        assert.equal(volume[p * stride + slot * CHANNELS_PER_FRAME + c], Math.fround(valueOf(frame, p, c)), `pixel ${p} slot ${slot} channel ${c} should hold frame ${frame}`);
      }
    });
  }
}

describe('space-time volume', () => {
  it('windows end at the current frame and repeat the first frame at the start of a clip', () => {
    assert.deepEqual(windowFrames(0), Array(11).fill(0));
    assert.deepEqual(windowFrames(3, 5), [0, 0, 1, 2, 3]);
    assert.deepEqual(windowFrames(20, 4), [17, 18, 19, 20]);
    assert.deepEqual(windowFrames(101, 3, 100), [100, 100, 101]);
    assert.equal(windowFrames(57).at(-1), 57);
    assert.throws(() => windowFrames(5, 0), /whole number of frames/);
  });

  it('sliding over a clip gives, at every frame, the same volume as rendering its window directly', () => {
    for (const windowSize of [11, 3, 1]) {
      const sliding = new SlidingVolume(WIDTH, HEIGHT, windowSize);
      const direct = new Float32Array(volumeLength(WIDTH, HEIGHT, windowSize));
      for (let frame = 0; frame < 16; frame++) {
        sliding.push((out, stride, offset) => drawFrame(frame, out, stride, offset));
        const frames = windowFrames(frame, windowSize);
        assertVolumeHolds(sliding.data, frames);
        renderVolume(direct, PIXELS, frames, drawFrame);
        assert.deepEqual(sliding.data, direct, `window ${windowSize}, frame ${frame}`);
      }
    }
  });

  it('slides exactly when frames are mostly background (the volume only moves what changes)', () => {
    const width = 23;
    const height = 17;
    // Frame f: a "face" rectangle that wanders (and is absent in frames 6–8), background −1 elsewhere.
    const draw = (frame: number, out: Float32Array, stride: number, offset: number): void => {
      const x0 = (frame * 5) % 15;
      const y0 = (frame * 3) % 10;
      const present = frame < 6 || frame > 8;
      for (let p = 0; p < width * height; p++) {
        const x = p % width;
        const y = Math.floor(p / width);
        const inside = present && x >= x0 && x < x0 + 6 && y >= y0 && y < y0 + 5;
        for (let c = 0; c < CHANNELS_PER_FRAME; c++) out[offset + p * stride + c] = inside ? valueOf(frame, p, c) : -1;
      }
    };
    for (const windowSize of [11, 4]) {
      const sliding = new SlidingVolume(width, height, windowSize);
      const direct = new Float32Array(volumeLength(width, height, windowSize));
      for (let frame = 0; frame < 30; frame++) {
        if (frame === 20) sliding.start(windowFrames(frame, windowSize), draw);
        else sliding.push((out, stride, offset) => draw(frame, out, stride, offset));
        renderVolume(direct, width * height, windowFrames(frame, windowSize), draw);
        assert.deepEqual(sliding.data, direct, `window ${windowSize}, frame ${frame}`);
      }
    }
  });

  it('draws each frame once while sliding, and starts over after a reset', () => {
    const volume = new SlidingVolume(WIDTH, HEIGHT, 11);
    const drawn: number[] = [];
    for (let frame = 40; frame < 45; frame++) {
      volume.push((out, stride, offset) => {
        drawn.push(frame);
        drawFrame(frame, out, stride, offset);
      });
    }
    assert.deepEqual(drawn, [40, 41, 42, 43, 44]);
    assert.equal(volume.length, 5);
    assertVolumeHolds(volume.data, windowFrames(44, 11, 40));
    volume.reset();
    volume.push((out, stride, offset) => drawFrame(90, out, stride, offset));
    assertVolumeHolds(volume.data, Array(11).fill(90));
    // A seek: start from a whole window, then keep sliding.
    volume.start(windowFrames(30), drawFrame);
    volume.push((out, stride, offset) => drawFrame(31, out, stride, offset));
    assertVolumeHolds(volume.data, windowFrames(31));
    assert.throws(() => volume.start([1, 2], drawFrame), /cannot start/);
  });

  it('renders each distinct frame of a random-access window once', () => {
    const out = new Float32Array(volumeLength(WIDTH, HEIGHT, 11));
    const drawn: number[] = [];
    renderVolume(out, PIXELS, windowFrames(2), (frame, o, stride, offset) => {
      drawn.push(frame);
      drawFrame(frame, o, stride, offset);
    });
    assert.deepEqual(drawn, [0, 1, 2]);
    assertVolumeHolds(out, windowFrames(2));
    assert.throws(() => renderVolume(new Float32Array(10), PIXELS, windowFrames(2), drawFrame), /needs/);
  });
});
