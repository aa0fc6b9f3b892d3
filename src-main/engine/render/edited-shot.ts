import type { FrameRange } from '../../api/frame-range.js';
import { DvpError } from '../../shared/errors.js';
import { ClipConditioning } from '../condition/clip-conditioning.js';
import type { OutOfRangeSpan } from '../edit/out-of-range.js';
import { EXPRESSION_DIMS, EYELID_DIMS, GAZE_DIMS, POSE_DIMS, type ParamSequence } from '../edit/parameters.js';
import { analyseShot, measureRanges, type MeasureAgainst } from '../edit/shot-analysis.js';
import { loadShotInputs } from '../edit/tracked-inputs.js';
import { emptyParams, type FrameParams } from '../face/model.js';
import type { Project } from '../project/project.js';
import { editRegions } from './edit-regions.js';


export interface EditedShotOptions {
  clipId: number;
  /** Inclusive render range (clip frames). */
  first: number;
  last: number;
  /** Network resolution and window of the model that will render the shot. */
  resolution: number;
  windowSize: number;
  /** What the out-of-range flags measure against (`renderMeasure`); without it nothing is flagged (a one-frame preview). */
  measure?: MeasureAgainst;
}

/**
 * A shot ready to be conditioned for rendering: its edited parameters per frame (tracked →
 * source bindings → keyframes, `edit/compose.ts`) with the tracked lighting, which frames
 * the network synthesizes and which pass the plate through (no tracked face), and the
 * frames whose requested parameters leave what the target showed.
 */
export class EditedShot {
  private constructor(
    readonly conditioning: ClipConditioning,
    readonly first: number,
    readonly last: number,
    /** Clip frame of row 0 of `composed` (the window history before `first` is included). */
    private readonly composedStart: number,
    private readonly composed: ParamSequence,
    /** Per render frame (index frame − first): 1 where the network synthesizes the frame. */
    private readonly synthesized: Uint8Array,
    /** The tracked SH lighting of each composed frame (lighting is never edited). */
    private readonly lighting: readonly Float32Array[],
    readonly outOfRange: OutOfRangeSpan[],
    readonly outOfRangeFrames: number,
    /** The target's tracked parameters (the whole clip, frame-major). */
    private readonly tracked: ParamSequence,
    /** Per render frame (index frame − first): the `EditRegion` bits the edit touches. */
    private readonly regionBits: Uint8Array,
  ) {}

  static open(project: Project, options: EditedShotOptions): EditedShot {
    const { clipId, first, last } = options;
    const conditioning = ClipConditioning.open(project, clipId, { size: options.resolution, windowSize: options.windowSize });
    const clip = conditioning.clip;
    if (!Number.isInteger(first) || !Number.isInteger(last) || first < 0 || last < first || last >= clip.frameCount) {
      throw new DvpError('INVALID_ARGUMENT', `${project.file}: frames ${first}-${last} are outside clip ${clip.id} (${clip.name}, frames 0-${clip.frameCount - 1}).`, {
        file: project.file,
      });
    }
    const inputs = loadShotInputs(project, clipId);
    const composedStart = Math.max(0, first - (options.windowSize - 1));
    const ranges = options.measure && measureRanges(inputs.target, inputs.rig, options.measure);
    const analysis = analyseShot(inputs, { ranges, first, last, composedFrom: composedStart });
    const composed = analysis.composed;

    const synthesized = inputs.target.hasFace.slice(first, last + 1);
    // Lighting of the nearest tracked frame at or before each frame (the first one before tracking starts).
    const tracked = new Map(conditioning.frames.map((f) => [f.frame, f]));
    const lighting: Float32Array[] = [];
    let current = conditioning.frames[0]!.params.sh;
    for (let f = composedStart; f <= last; f++) {
      current = tracked.get(f)?.params.sh ?? current;
      lighting.push(current);
    }
    const regionBits = editRegions(inputs, rows(composed, first - composedStart, last - first + 1), first);
    return new EditedShot(conditioning, first, last, composedStart, composed, synthesized, lighting, analysis.outOfRange, analysis.flagged.length, inputs.target.params, regionBits);
  }

  get frameCount(): number {
    return this.last - this.first + 1;
  }

  /** True when the network synthesizes `frame`; false where the plate passes through. */
  synthesizes(frame: number): boolean {
    return this.synthesized[frame - this.first] === 1;
  }

  get synthesizedCount(): number {
    return this.synthesized.reduce((n, v) => n + v, 0);
  }

  /** Runs of render frames that pass the plate through (no tracked face there). */
  passThroughSpans(): FrameRange[] {
    const spans: FrameRange[] = [];
    for (let f = this.first; f <= this.last; f++) {
      if (this.synthesizes(f)) continue;
      const previous = spans.at(-1);
      if (previous && previous.last === f - 1) previous.last = f;
      else spans.push({ first: f, last: f });
    }
    return spans;
  }

  /**
   * What the edit changes in `frame` (`EditRegion` bits, `edit-regions.ts`): 0 where the edited
   * parameters are the tracked ones and no source binding reaches the frame.
   */
  regions(frame: number): number {
    return frame >= this.first && frame <= this.last ? this.regionBits[frame - this.first]! : 0;
  }

  /** The tracked parameters of `frame`, with the frame's tracked lighting (what the plate shows). */
  trackedParams(frame: number, out: FrameParams = emptyParams()): FrameParams {
    const row = frame - this.composedStart;
    if (row < 0 || row >= this.composed.frameCount || frame >= this.tracked.frameCount) {
      throw new DvpError('INTERNAL', `frame ${frame} lies outside the composed frames ${this.composedStart}-${this.last}.`);
    }
    copyRow(this.tracked, frame, out);
    out.sh.set(this.lighting[row]!);
    return out;
  }

  /** The edited parameters of `frame` (from the window history before `first` up to `last`). */
  params(frame: number, out: FrameParams = emptyParams()): FrameParams {
    const row = frame - this.composedStart;
    if (row < 0 || row >= this.composed.frameCount) {
      throw new DvpError('INTERNAL', `frame ${frame} lies outside the composed frames ${this.composedStart}-${this.last}.`);
    }
    copyRow(this.composed, row, out);
    out.sh.set(this.lighting[row]!);
    return out;
  }
}

/** Rows `start .. start+count−1` of a sequence as a sequence of their own (views, no copy). */
function rows(sequence: ParamSequence, start: number, count: number): ParamSequence {
  const view = (array: Float32Array, dims: number): Float32Array => array.subarray(start * dims, (start + count) * dims);
  return {
    frameCount: count,
    pose: view(sequence.pose, POSE_DIMS),
    expression: view(sequence.expression, EXPRESSION_DIMS),
    gaze: view(sequence.gaze, GAZE_DIMS),
    eyelids: view(sequence.eyelids, EYELID_DIMS),
  };
}

/** Row `index` of `sequence` into `out` (pose, expression, gaze, eyelids; not the lighting). */
function copyRow(sequence: ParamSequence, index: number, out: FrameParams): void {
  const { pose, expression, gaze, eyelids } = sequence;
  out.rotation.set(pose.subarray(index * POSE_DIMS, index * POSE_DIMS + 3));
  out.translation.set(pose.subarray(index * POSE_DIMS + 3, (index + 1) * POSE_DIMS));
  out.expression.set(expression.subarray(index * EXPRESSION_DIMS, (index + 1) * EXPRESSION_DIMS));
  out.gaze.set(gaze.subarray(index * GAZE_DIMS, (index + 1) * GAZE_DIMS));
  out.eyelids.set(eyelids.subarray(index * EYELID_DIMS, (index + 1) * EYELID_DIMS));
}
