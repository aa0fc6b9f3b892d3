import { offsetTimecode, rationalToNumber, timecodeToFrames, type Rational } from '../../../../src-main/api/timecode.js';

/**
 * What a go-to entry means: a frame number ("120") or a timecode of the clip
 * ("00:00:04:20", also with ';' before the frames, or shortened from the left: "4:20" is
 * seconds and frames). Returns the frame, or a sentence saying why not.
 */
export function parseGoTo(text: string, startTimecode: string | null, fps: Rational, lastFrame: number): { frame: number } | { error: string } {
  const entry = text.trim();
  if (/^\d+$/.test(entry)) return within(Number(entry), lastFrame, entry);
  const parts = entry.split(/[:;.]/);
  if (parts.length < 2 || parts.length > 4 || !parts.every((p) => /^\d{1,2}$/.test(p))) {
    return { error: `“${entry}” is neither a frame number nor a timecode HH:MM:SS:FF.` };
  }
  const full = [...Array<string>(4 - parts.length).fill('00'), ...parts].map((p) => p.padStart(2, '0'));
  const rate = Math.round(rationalToNumber(fps));
  if (Number(full[3]) >= rate) return { error: `frame ${full[3]} does not exist at ${rate} fps (frames run 00–${String(rate - 1).padStart(2, '0')}).` };
  const start = offsetTimecode(startTimecode, 0, fps);
  const drop = /[;.]/.test(start);
  const typed = `${full[0]}:${full[1]}:${full[2]}${drop ? ';' : ':'}${full[3]}`;
  const frame = timecodeToFrames(typed, fps) - timecodeToFrames(start, fps);
  return within(frame, lastFrame, entry);
}

function within(frame: number, lastFrame: number, entry: string): { frame: number } | { error: string } {
  if (frame < 0 || frame > lastFrame) return { error: `“${entry}” is outside the clip (frames 0–${lastFrame}).` };
  return { frame };
}
