// Keyframe lane evaluation for the UI: the engine's own implementation (pure arithmetic), so a
// value the timeline shows between keys is the value a render composes.
export { evaluateLane } from '../engine/edit/lane-curve.js';
