// SMPTE timecode for the UI: the engine's own implementation (pure arithmetic), so the
// viewer shows exactly the timecodes renders are stamped with.
export { framesToTimecode, offsetTimecode, timecodeToFrames } from '../engine/media/timecode.js';
export { rationalToNumber, type Rational } from '../engine/media/rational.js';
