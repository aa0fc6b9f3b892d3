import { DvpError } from '../../shared/errors.js';
import { rationalToNumber, type Rational } from './rational.js';

/**
 * SMPTE timecode HH:MM:SS:FF (';' before FF marks drop-frame). Frame counts use the
 * nominal rate (round(fps)); drop-frame applies to 29.97 and 59.94.
 */
const TIMECODE = /^(\d{2}):(\d{2}):(\d{2})([:;.])(\d{2,3})$/;

export function nominalRate(fps: Rational): number {
  return Math.round(rationalToNumber(fps));
}

function isDropFrameRate(fps: Rational): boolean {
  const rate = rationalToNumber(fps);
  return Math.abs(rate - 30000 / 1001) < 1e-3 || Math.abs(rate - 60000 / 1001) < 1e-3;
}

export function timecodeToFrames(timecode: string, fps: Rational): number {
  const match = TIMECODE.exec(timecode);
  if (!match) throw new DvpError('INVALID_ARGUMENT', `'${timecode}' is not a timecode (expected HH:MM:SS:FF).`);
  const [, hh, mm, ss, sep, ff] = match;
  const rate = nominalRate(fps);
  const hours = Number(hh);
  const minutes = Number(mm);
  let frames = ((hours * 60 + minutes) * 60 + Number(ss)) * rate + Number(ff);
  if (sep === ';' || sep === '.') {
    const dropPerMinute = Math.round(rate / 15); // 2 at 29.97, 4 at 59.94
    const totalMinutes = hours * 60 + minutes;
    frames -= dropPerMinute * (totalMinutes - Math.floor(totalMinutes / 10));
  }
  return frames;
}

export function framesToTimecode(frames: number, fps: Rational, dropFrame = isDropFrameRate(fps)): string {
  const rate = nominalRate(fps);
  let f = Math.max(0, Math.round(frames));
  if (dropFrame) {
    const drop = Math.round(rate / 15);
    const framesPer10Min = rate * 600 - drop * 9;
    const framesPerMin = rate * 60 - drop;
    const tens = Math.floor(f / framesPer10Min);
    const rem = f % framesPer10Min;
    f += drop * 9 * tens + (rem > drop ? drop * Math.floor((rem - drop) / framesPerMin) : 0);
  }
  const ff = f % rate;
  const totalSeconds = Math.floor(f / rate);
  const ss = totalSeconds % 60;
  const mm = Math.floor(totalSeconds / 60) % 60;
  const hh = Math.floor(totalSeconds / 3600) % 24;
  const pad = (n: number): string => String(n).padStart(2, '0');
  return `${pad(hh)}:${pad(mm)}:${pad(ss)}${dropFrame ? ';' : ':'}${pad(ff)}`;
}

/** The timecode `offset` frames after `start` (00:00:00:00 when the clip has none). */
export function offsetTimecode(start: string | null, offset: number, fps: Rational): string {
  const base = start ? timecodeToFrames(start, fps) : 0;
  return framesToTimecode(base + offset, fps, start ? /[;.]/.test(start) : undefined);
}
