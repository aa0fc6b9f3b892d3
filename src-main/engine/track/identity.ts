/**
 * Per-clip identity from many frames (not the first one only): generalised Procrustes alignment
 * of the detector's 3D meshes on rigid points, a neutral shape averaged over the frames closest
 * to the clip's median face, a canonical model frame in millimetres, eyeball centres (across: midway
 * between the eye corners) and iris size, the automatic neutral frame, and each sampled frame's
 * expression deformation (the data the expression basis is learned from).
 */
import { blinkBasis } from '../face/blink.js';
import { eulerFromMatrix } from '../face/rotation.js';
import { LANDMARK, VERTEX_COUNT } from '../face/topology.js';
import { alignSimilarity, applySimilarity } from './align.js';

/** Mean adult inter-ocular distance (between eye centres), which fixes the model's scale. */
export const INTER_OCULAR_MM = 63;
export const EYEBALL_RADIUS_MM = 12;

/** Points that move little with expression: forehead, nose, eye corners, temples. */
export const RIGID_POINTS: readonly number[] = [
  10, 151, 9, 8, 168, 6, 197, 195, 5, 4, 1, 2, 98, 327, 33, 133, 263, 362, 127, 356, 234, 454,
  21, 251, 54, 284, 103, 332, 67, 297, 109, 338, 193, 417, 122, 351, 245, 465, 226, 446,
];

export interface IdentityInput {
  frame: number;
  /** Detector points, 478 × 3 (image pixels, depth at image scale). */
  points: Float32Array;
}

export interface IdentityEstimate {
  neutralShape: Float32Array;
  eyeballCentres: Float32Array;
  irisRadius: number;
  neutralFrame: number;
  /** Expression deformations (mm) of the sampled frames with blinks removed, rows of 468 × 3. */
  deformations: Float64Array;
  deformationFrames: number[];
}

function eyeCentre(shape: ArrayLike<number>, a: number, b: number): [number, number, number] {
  return [0, 1, 2].map((k) => (shape[3 * a + k]! + shape[3 * b + k]!) / 2) as [number, number, number];
}

/** Similarity taking a shape into the canonical model frame: eyes on x, face looking along −z, mm. */
function canonicalFrame(shape: Float32Array): { scale: number; rotation: Float64Array; translation: [number, number, number] } {
  const left = eyeCentre(shape, LANDMARK.leftEyeOuter, LANDMARK.leftEyeInner);
  const right = eyeCentre(shape, LANDMARK.rightEyeOuter, LANDMARK.rightEyeInner);
  const origin = [0, 1, 2].map((k) => (left[k]! + right[k]!) / 2);
  let x = [0, 1, 2].map((k) => left[k]! - right[k]!);
  const iod = Math.hypot(x[0]!, x[1]!, x[2]!);
  x = x.map((v) => v / iod);
  let y = [0, 1, 2].map((k) => shape[3 * LANDMARK.chin + k]! - shape[3 * LANDMARK.foreheadTop + k]!);
  const along = y[0]! * x[0]! + y[1]! * x[1]! + y[2]! * x[2]!;
  y = y.map((v, k) => v - along * x[k]!);
  const ny = Math.hypot(y[0]!, y[1]!, y[2]!);
  y = y.map((v) => v / ny);
  const z = [x[1]! * y[2]! - x[2]! * y[1]!, x[2]! * y[0]! - x[0]! * y[2]!, x[0]! * y[1]! - x[1]! * y[0]!];
  const rotation = Float64Array.from([...x, ...y, ...z]);
  const scale = INTER_OCULAR_MM / iod;
  const translation = [0, 1, 2].map((r) => -scale * (rotation[3 * r]! * origin[0]! + rotation[3 * r + 1]! * origin[1]! + rotation[3 * r + 2]! * origin[2]!)) as [number, number, number];
  return { scale, rotation, translation };
}

/** Eye opening relative to eye width for the subject's left and right eye. */
export function eyeOpenings(shape: ArrayLike<number>): [number, number] {
  const dist = (a: number, b: number): number => Math.hypot(shape[3 * a]! - shape[3 * b]!, shape[3 * a + 1]! - shape[3 * b + 1]!, shape[3 * a + 2]! - shape[3 * b + 2]!);
  return [
    dist(LANDMARK.leftUpperLid, LANDMARK.leftLowerLid) / dist(LANDMARK.leftEyeOuter, LANDMARK.leftEyeInner),
    dist(LANDMARK.rightUpperLid, LANDMARK.rightLowerLid) / dist(LANDMARK.rightEyeOuter, LANDMARK.rightEyeInner),
  ];
}

function sampleEvenly<T>(items: T[], max: number): T[] {
  if (items.length <= max) return items;
  return Array.from({ length: max }, (_, i) => items[Math.floor((i * items.length) / max)]!);
}

export function estimateIdentity(inputs: IdentityInput[], options: { maxSamples?: number; neutralFrame?: number } = {}): IdentityEstimate {
  if (inputs.length === 0) throw new RangeError('estimateIdentity needs at least one frame with a face.');
  const samples = sampleEvenly(inputs, options.maxSamples ?? 240);
  // Generalised Procrustes on the rigid points, three rounds.
  let reference: Float32Array = Float32Array.from(samples[0]!.points);
  let aligned: Float32Array[] = [];
  for (let round = 0; round < 3; round++) {
    aligned = samples.map((s) => applySimilarity(alignSimilarity(s.points, reference, RIGID_POINTS), s.points));
    const mean = new Float32Array(reference.length);
    for (const a of aligned) for (let i = 0; i < mean.length; i++) mean[i] = mean[i]! + a[i]! / aligned.length;
    reference = applySimilarity(canonicalFrame(mean), mean);
  }
  // Median face, then the neutral shape as the mean of the frames closest to it.
  const n = VERTEX_COUNT * 3;
  const median = new Float32Array(n);
  const column = new Float64Array(aligned.length);
  for (let i = 0; i < n; i++) {
    for (let f = 0; f < aligned.length; f++) column[f] = aligned[f]![i]!;
    column.sort();
    median[i] = column[Math.floor(column.length / 2)]!;
  }
  const distance = aligned.map((a) => {
    let s = 0;
    for (let i = 0; i < n; i++) s += (a[i]! - median[i]!) ** 2;
    return Math.sqrt(s / VERTEX_COUNT);
  });
  const order = distance.map((d, i) => [d, i] as const).sort((a, b) => a[0] - b[0]);
  const closest = order.slice(0, Math.max(1, Math.ceil(order.length * 0.3))).map(([, i]) => i);
  const neutral478 = new Float32Array(reference.length);
  for (const i of closest) for (let k = 0; k < neutral478.length; k++) neutral478[k] = neutral478[k]! + aligned[i]![k]! / closest.length;
  const canonical = canonicalFrame(neutral478);
  const neutralFull = applySimilarity(canonical, neutral478);
  const neutralShape = neutralFull.slice(0, n);

  // Re-align every sample to the canonical neutral shape.
  const inModel = samples.map((s) => applySimilarity(alignSimilarity(s.points, neutralFull, RIGID_POINTS), s.points));
  const poses = samples.map((s) => alignSimilarity(neutralFull, s.points, RIGID_POINTS));

  // Neutral frame: close to the neutral shape, eyes open, facing the camera.
  let neutralFrame = options.neutralFrame;
  if (neutralFrame === undefined) {
    let best = Infinity;
    for (const i of closest) {
      let d = 0;
      for (let k = 0; k < n; k++) d += (inModel[i]![k]! - neutralShape[k]!) ** 2;
      const [yaw, pitch, roll] = eulerFromMatrix(poses[i]!.rotation);
      const score = Math.sqrt(d / VERTEX_COUNT) + 4 * (Math.abs(yaw) + Math.abs(pitch) + 0.5 * Math.abs(roll));
      if (score < best) {
        best = score;
        neutralFrame = samples[i]!.frame;
      }
    }
  }

  // Eyes: iris centre positions with eyes open, the eyeball centre a radius behind.
  const neutralOpen = eyeOpenings(neutralShape);
  const [blinkLeft, blinkRight] = blinkBasis(neutralShape);
  const irisSum = [0, 0, 0, 0, 0, 0];
  let irisCount = 0;
  let irisRadiusSum = 0;
  const deformations = new Float64Array(samples.length * n);
  samples.forEach((_, f) => {
    const shape = inModel[f]!;
    const open = eyeOpenings(shape);
    const closeLeft = 1 - open[0] / neutralOpen[0];
    const closeRight = 1 - open[1] / neutralOpen[1];
    const row = deformations.subarray(f * n, (f + 1) * n);
    for (let k = 0; k < n; k++) row[k] = shape[k]! - neutralShape[k]! - closeLeft * blinkLeft[k]! - closeRight * blinkRight[k]!;
    if (closeLeft < 0.4 && closeRight < 0.4) {
      for (let k = 0; k < 3; k++) {
        irisSum[k] = irisSum[k]! + shape[3 * 468 + k]!;
        irisSum[3 + k] = irisSum[3 + k]! + shape[3 * 473 + k]!;
      }
      for (const [centre, rim] of [[468, [469, 470, 471, 472]], [473, [474, 475, 476, 477]]] as const) {
        let r = 0;
        for (const p of rim) r += Math.hypot(shape[3 * p]! - shape[3 * centre]!, shape[3 * p + 1]! - shape[3 * centre + 1]!);
        irisRadiusSum += r / rim.length / 2;
      }
      irisCount++;
    }
  });
  const eyeballCentres = new Float32Array(6);
  const fallback = [eyeCentre(neutralShape, LANDMARK.leftEyeOuter, LANDMARK.leftEyeInner), eyeCentre(neutralShape, LANDMARK.rightEyeOuter, LANDMARK.rightEyeInner)];
  for (let e = 0; e < 2; e++) {
    for (let k = 0; k < 3; k++) eyeballCentres[3 * e + k] = irisCount > 0 ? irisSum[3 * e + k]! / irisCount : fallback[e]![k]!;
    // Across, the eyeball sits midway between the eye corners: the clip's mean iris would make its
    // mean gaze straight ahead, so two clips of one face that look aside for different shares of
    // their frames would disagree by degrees (7° between tedlieu 200-299 and 250-299). Up and down
    // the lids are not symmetric about the iris, and the mean iris (which barely moves) is kept.
    eyeballCentres[3 * e] = fallback[e]![0]!;
    eyeballCentres[3 * e + 2] = eyeballCentres[3 * e + 2]! + EYEBALL_RADIUS_MM;
  }
  const irisRadius = irisCount > 0 ? Math.min(7, Math.max(4.5, irisRadiusSum / irisCount)) : 5.9;
  return {
    neutralShape,
    eyeballCentres,
    irisRadius,
    neutralFrame: neutralFrame ?? samples[0]!.frame,
    deformations,
    deformationFrames: samples.map((s) => s.frame),
  };
}
