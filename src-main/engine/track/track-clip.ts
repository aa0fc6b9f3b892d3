/**
 * The tracking job for one clip: detect (resumable, on worker threads) → choose the subject →
 * identity from many frames → shared expression basis → per-frame fit (pose, eyelids,
 * expression, gaze) → albedo and SH lighting → gaps and smoothing → controls → project.
 */
import type { FrameRange } from '../../api/frame-range.js';
import { clipVideoInfo, getClip, resolveClipMedia } from '../project/clips.js';
import type { Project } from '../project/project.js';
import { DvpError } from '../../shared/errors.js';
import { ProgressMeter, throwIfCancelled, type ProgressListener } from '../../shared/cancel.js';
import { packParams, unpackParams, type FaceModel, type FrameParams } from '../face/model.js';
import { buildControls } from '../face/controls.js';
import { FrameFlag, blob, latestBasis, loadFaceModel, saveBasis, saveFaceModel, type TrackingStats } from '../face/store.js';
import { updateBasis } from './basis-learning.js';
import { defaultWorkerCount, detectFrames } from './detect-pool.js';
import { DetectionWriter, detectedFrames, loadDetections, type StoredFace } from './detections-store.js';
import { fitFrames } from './fit-pool.js';
import { EYEBALL_RADIUS_MM, estimateIdentity } from './identity.js';
import { estimateLighting } from './lighting.js';
import { chooseSubject } from './subject.js';
import { fillGaps, smoothSequence, type SequenceFrame } from './temporal.js';

export interface TrackOptions {
  clipId: number;
  /** Inclusive frame range to detect; default the whole clip. */
  range?: FrameRange;
  /** Smoothing strength (0 = none, 1 = default). */
  smoothing?: number;
  /** Force the neutral frame (otherwise kept from an earlier override, or chosen automatically). */
  neutralFrame?: number;
  /** Longest gap (frames) that is interpolated; longer gaps are reported. Default: half a second. */
  maxGap?: number;
  workers?: number;
  maxFaces?: number;
  signal?: AbortSignal;
  onProgress?: ProgressListener;
  /** Folders to look in when the clip's media has moved. */
  searchDirs?: string[];
}

export interface TrackSummary {
  clipId: number;
  framesInRange: number;
  framesDetectedNow: number;
  framesResumed: number;
  framesTracked: number;
  framesWithFace: number;
  framesInterpolated: number;
  gaps: FrameRange[];
  corruptFrames: number;
  basisVersion: number;
  basisCreated: boolean;
  neutralFrame: number;
  detectFps: number;
  fitMsPerFrame: number;
  totalSeconds: number;
  stats: TrackingStats;
}

/** Head yaw beyond which a frame counts as profile. */
const PROFILE_YAW = (50 * Math.PI) / 180;
/** Focal length as a multiple of the larger image side (≈ 19° field of view): a long lens, as for framed portraits. */
const FOCAL_FACTOR = 3;

function percentile(sorted: ArrayLike<number>, q: number): number {
  if (sorted.length === 0) return Number.NaN;
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.round(q * (sorted.length - 1))))]!;
}

export async function trackClip(project: Project, options: TrackOptions): Promise<TrackSummary> {
  const started = performance.now();
  const clip = resolveClipMedia(project, getClip(project, options.clipId), options.searchDirs ?? []);
  const info = clipVideoInfo(clip);
  const range = options.range ?? { first: 0, last: clip.frameCount - 1 };
  if (!Number.isInteger(range.first) || !Number.isInteger(range.last) || range.first < 0 || range.last >= clip.frameCount || range.first > range.last) {
    throw new DvpError('INVALID_ARGUMENT', `${project.file}: frame range ${range.first}-${range.last} is outside clip ${clip.id} (frames 0-${clip.frameCount - 1}).`, { file: project.file });
  }
  const smoothing = options.smoothing ?? 1;
  if (!(smoothing >= 0 && smoothing <= 10)) throw new DvpError('INVALID_ARGUMENT', `the smoothing strength must be between 0 and 10 (got ${smoothing}).`);
  const total = range.last - range.first + 1;

  // 1. Detection, resumable: frames already in the project are kept.
  const done = detectedFrames(project, clip.id, range.first, range.last);
  const todo: number[] = [];
  for (let f = range.first; f <= range.last; f++) if (!done.has(f)) todo.push(f);
  const meter = new ProgressMeter(total, done.size);
  const writer = new DetectionWriter(project, clip.id);
  let detected = 0;
  let lastFlush = performance.now();
  const report = (message: string): void => options.onProgress?.(meter.update(done.size + detected, message));
  const detectStarted = performance.now();
  try {
    await detectFrames({
      file: clip.path,
      info,
      frames: todo,
      ...(options.workers !== undefined ? { workers: options.workers } : {}),
      ...(options.maxFaces !== undefined ? { maxFaces: options.maxFaces } : {}),
      ...(options.signal ? { signal: options.signal } : {}),
      onFrame(index, faces) {
        writer.add(index, faces.length > 0 ? 'ok' : 'none', faces);
        detected++;
        if (performance.now() - lastFlush > 1000 || writer.pendingCount >= 100) {
          writer.flush();
          lastFlush = performance.now();
        }
        report('detecting');
      },
      onCorrupt(indices) {
        for (const index of indices) writer.add(index, 'corrupt');
        detected += indices.length;
        report('detecting');
      },
    });
  } finally {
    writer.flush();
  }
  const detectSeconds = (performance.now() - detectStarted) / 1000;
  throwIfCancelled(options.signal, 'Face tracking');
  options.onProgress?.({ done: total, total, message: 'fitting the face model' });

  // 2. Subject per frame over everything detected for this clip.
  const detections = loadDetections(project, clip.id);
  const subjectIndex = chooseSubject(detections.map((d) => ({ frame: d.frame, boxes: d.faces.map((f) => f.box) })));
  const subjectFaces = new Map<number, StoredFace>();
  const flagsOf = new Map<number, number>();
  let corruptFrames = 0;
  for (const d of detections) {
    let flags = 0;
    if (d.status === 'corrupt') {
      flags |= FrameFlag.Corrupt;
      corruptFrames++;
    }
    if (d.faces.length > 1) flags |= FrameFlag.MultipleFaces;
    const index = subjectIndex.get(d.frame) ?? -1;
    if (index >= 0) subjectFaces.set(d.frame, d.faces[index]!);
    flagsOf.set(d.frame, flags);
  }
  if (subjectFaces.size === 0) {
    project.transaction(() => project.db.prepare('DELETE FROM face_frames WHERE clip_id = ?').run(clip.id));
    throw new DvpError('NO_FACE', `${clip.path}: no face was found in the ${detections.length} frames tracked so far of clip ${clip.id}; nothing to fit.`, { file: clip.path });
  }

  // 3. Identity and the shared expression basis.
  const previous = loadFaceModel(project, clip.id);
  const neutralOverride = options.neutralFrame ?? (previous && !previous.identity.neutralFrameAuto ? previous.identity.neutralFrame : undefined);
  if (neutralOverride !== undefined && !subjectFaces.has(neutralOverride)) {
    throw new DvpError('INVALID_ARGUMENT', `${project.file}: frame ${neutralOverride} of clip ${clip.id} has no tracked face, so it cannot be the neutral frame.`, { file: project.file });
  }
  const inputs = [...subjectFaces.entries()].map(([frame, face]) => ({ frame, points: face.points }));
  const identity = estimateIdentity(inputs, neutralOverride !== undefined ? { neutralFrame: neutralOverride } : {});
  // The basis is shared: extend it only by appending. While no other clip uses it yet, this clip's
  // refit may learn it afresh (as a new version) from everything tracked so far.
  const latest = latestBasis(project);
  const otherUsers = (project.db.prepare('SELECT COUNT(*) AS n FROM face_models WHERE clip_id != ?').get(clip.id) as { n: number }).n;
  const update = otherUsers > 0 || !latest
    ? updateBasis(latest, identity.deformations, identity.deformationFrames.length)
    : updateBasis(undefined, identity.deformations, identity.deformationFrames.length, latest.version + 1);
  const focal = FOCAL_FACTOR * Math.max(clip.width, clip.height);
  const model: FaceModel = {
    identity: {
      clipId: clip.id,
      basisVersion: update.basis.version,
      neutralShape: identity.neutralShape,
      albedo: new Float32Array(identity.neutralShape.length).fill(0.5),
      eyeballCentres: identity.eyeballCentres,
      eyeballRadius: EYEBALL_RADIUS_MM,
      irisRadius: identity.irisRadius,
      intrinsics: { fx: focal, fy: focal, cx: clip.width / 2, cy: clip.height / 2, width: clip.width, height: clip.height },
      neutralFrame: identity.neutralFrame,
      neutralFrameAuto: neutralOverride === undefined,
    },
    basis: update.basis,
  };

  // 4. Per-frame fit, warm-started from the previous frame, one run of frames per thread.
  throwIfCancelled(options.signal, 'Face tracking');
  const fitStarted = performance.now();
  const ordered = [...subjectFaces.entries()].sort((a, b) => a[0] - b[0]).map(([frame, face]) => ({ frame, points: face.points }));
  const fitted = await fitFrames(model, ordered, options.workers ?? defaultWorkerCount(), options.signal);
  throwIfCancelled(options.signal, 'Face tracking');
  const fits = new Map<number, { params: FrameParams; errorsPct: Float32Array; rmsPx: number; confidence: number }>();
  for (const result of fitted) {
    if (!result.params || !result.errorsPct) {
      flagsOf.set(result.frame, (flagsOf.get(result.frame) ?? 0) | FrameFlag.LowConfidence);
      continue;
    }
    fits.set(result.frame, { params: unpackParams(result.params), errorsPct: result.errorsPct, rmsPx: result.rmsPx, confidence: subjectFaces.get(result.frame)!.score });
  }
  const fitMsPerFrame = subjectFaces.size > 0 ? (performance.now() - fitStarted) / subjectFaces.size : 0;
  if (fits.size === 0) throw new DvpError('NO_FACE', `${clip.path}: faces were detected in clip ${clip.id} but none could be fitted reliably.`, { file: clip.path });

  // 5. Albedo and lighting.
  const fittedFrames = [...fits.keys()].sort((a, b) => a - b);
  const lighting = estimateLighting(model, fittedFrames.map((frame) => ({ params: fits.get(frame)!.params, colours: subjectFaces.get(frame)!.colours })));
  model.identity.albedo = lighting.albedo;
  fittedFrames.forEach((frame, i) => fits.get(frame)!.params.sh.set(lighting.sh[i]!));

  // 6. Gaps, interpolation, smoothing over every detected frame of the clip.
  const sequence: SequenceFrame[] = detections.map((d) => {
    const fit = fits.get(d.frame);
    let flags = flagsOf.get(d.frame) ?? 0;
    if (fit) {
      flags |= FrameFlag.Tracked;
      if (Math.abs(fit.params.rotation[0]!) > PROFILE_YAW) flags |= FrameFlag.Profile;
      if (fit.confidence < 0.8) flags |= FrameFlag.LowConfidence;
    }
    return { frame: d.frame, params: fit ? packParams(fit.params) : undefined, flags };
  });
  const fps = clip.fps.num / clip.fps.den;
  const filled = fillGaps(sequence, options.maxGap ?? Math.max(2, Math.round(fps / 2)));
  const smoothed = smoothSequence(filled.frames, smoothing);

  // 7. Controls (ranges over tracked frames) and statistics.
  const trackedParams = filled.frames.map((f, i) => ({ f, i })).filter(({ f }) => f.flags & FrameFlag.Tracked).map(({ i }) => unpackParams(smoothed[i]!));
  const neutralIndex = filled.frames.findIndex((f) => f.frame === model.identity.neutralFrame);
  const neutralParams = neutralIndex >= 0 ? unpackParams(smoothed[neutralIndex]!) : trackedParams[0]!;
  const controls = buildControls(model, trackedParams, neutralParams);
  const pooled = new Float32Array(fits.size * 468);
  let at = 0;
  for (const fit of fits.values()) {
    pooled.set(fit.errorsPct, at);
    at += fit.errorsPct.length;
  }
  pooled.sort();
  const framesWithFace = filled.frames.filter((f) => f.flags & FrameFlag.Tracked).length;
  const stats: TrackingStats = {
    framesTracked: detections.length,
    framesWithFace,
    medianErrorPct: percentile(pooled, 0.5),
    p95ErrorPct: percentile(pooled, 0.95),
    photometricMeanAbsError: lighting.meanAbsError,
    basisResidualShare: update.residualShare,
  };

  // 8. Store: basis (if new), model, frames — one transaction.
  project.transaction(() => {
    if (update.created) saveBasis(project, update.basis, [clip.id]);
    saveFaceModel(project, { ...model, smoothing, controls, gaps: filled.gaps, stats });
    project.db.prepare('DELETE FROM face_frames WHERE clip_id = ?').run(clip.id);
    const insert = project.db.prepare('INSERT INTO face_frames (clip_id, frame, flags, confidence, raw, smoothed, landmarks, fit_error) VALUES (?, ?, ?, ?, ?, ?, ?, ?)');
    filled.frames.forEach((f, i) => {
      const fit = fits.get(f.frame);
      const face = subjectFaces.get(f.frame);
      let landmarks: Buffer | null = null;
      if (fit && face) {
        const xy = new Float32Array(face.points.length / 3 * 2);
        for (let p = 0; p < xy.length / 2; p++) {
          xy[2 * p] = face.points[3 * p]!;
          xy[2 * p + 1] = face.points[3 * p + 1]!;
        }
        landmarks = blob(xy);
      }
      insert.run(clip.id, f.frame, f.flags, fit?.confidence ?? 0, blob(f.params), blob(smoothed[i]!), landmarks, fit?.rmsPx ?? null);
    });
  });

  const interpolated = filled.frames.filter((f) => f.flags & FrameFlag.Interpolated).length;
  return {
    clipId: clip.id,
    framesInRange: total,
    framesDetectedNow: todo.length,
    framesResumed: done.size,
    framesTracked: detections.length,
    framesWithFace,
    framesInterpolated: interpolated,
    gaps: filled.gaps,
    corruptFrames,
    basisVersion: update.basis.version,
    basisCreated: update.created,
    neutralFrame: model.identity.neutralFrame,
    detectFps: detectSeconds > 0 ? todo.length / detectSeconds : 0,
    fitMsPerFrame,
    totalSeconds: (performance.now() - started) / 1000,
    stats,
  };
}

