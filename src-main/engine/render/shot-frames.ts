import { DvpError } from '../../shared/errors.js';
import { loadShotEdit } from '../edit/shot-edit.js';
import { getClip } from '../project/clips.js';
import type { Project } from '../project/project.js';
import { listCheckpoints } from '../translate/checkpoint-store.js';
import type { RenderedFrame } from './plate-synthesis.js';
import { defaultRenderModel } from './render-model.js';
import { openShotRender, type CompositeMode, type ShotRender } from './render-shot.js';

export interface ShotFramesOptions {
  clipId: number;
  /** A model of the clip; the one a render picks by default otherwise. */
  modelId?: number;
  composite?: CompositeMode;
}

/**
 * Everything a synthesized frame of the clip depends on, as one string: the clip's media, the
 * stored edit (lanes, keys, bindings), the tracking and shot crop of every clip (a binding reads
 * its source's), and the model and newest checkpoint a render picks. Equal stamps give equal
 * pictures, whoever wrote the project (this process or a CLI beside it).
 */
export function renderInputsStamp(project: Project, options: ShotFramesOptions): string {
  const clip = getClip(project, options.clipId);
  const modelId = options.modelId ?? defaultRenderModel(project, clip.id)?.id;
  const checkpoint = modelId === undefined ? undefined : listCheckpoints(project, modelId).at(-1);
  const tracking = project.db.prepare('SELECT group_concat(clip_id || \'@\' || updated_at) AS s FROM face_models').get() as { s: string | null };
  const frames = project.db.prepare('SELECT COUNT(*) AS n FROM face_frames').get() as { n: number };
  const crops = project.db.prepare('SELECT group_concat(clip_id || \'@\' || updated_at) AS s FROM shot_crops').get() as { s: string | null };
  return JSON.stringify([
    clip.path,
    clip.sizeBytes,
    options.composite ?? 'crop',
    modelId ?? null,
    checkpoint ? [checkpoint.id, checkpoint.step, checkpoint.createdAt] : null,
    tracking.s,
    frames.n,
    crops.s,
    loadShotEdit(project, clip.id) ?? null,
  ]);
}

/** A frame at most this far ahead of the decode is reached by decoding on (a seek costs about as much as a second of frames). */
const MAX_SKIP = 50;

/**
 * A target clip opened for synthesizing frames one at a time, as the viewer's Result view asks
 * for them. Opening a render (the edited shot, the restored network, two decoders) costs far
 * more than a frame, so it is done once; a request for a frame a little after the last one
 * continues the same decode, passing the frames between without drawing them (playback, which
 * asks for the frame the playhead will have reached), any other frame starts a decode there (a
 * seek). Requests are answered one at a time, in order.
 */
export class ShotFrames {
  private cursor: { next: number; frames: AsyncGenerator<RenderedFrame> } | undefined;
  /** The frame being asked for: the decode passes the ones before it. */
  private wanted = 0;
  private queue: Promise<unknown> = Promise.resolve();
  private disposed = false;

  private constructor(private readonly render: ShotRender) {}

  static async open(project: Project, options: ShotFramesOptions): Promise<ShotFrames> {
    const render = await openShotRender(project, {
      clipId: options.clipId,
      composite: options.composite ?? 'crop',
      ...(options.modelId !== undefined ? { modelId: options.modelId } : {}),
    });
    return new ShotFrames(render);
  }

  get modelId(): number {
    return this.render.modelId;
  }

  get checkpointStep(): number {
    return this.render.checkpointStep;
  }

  get crop(): { x: number; y: number; size: number } {
    const { x, y, size } = this.render.shot.conditioning.crop;
    return { x, y, size };
  }

  /** Frame `index` of the clip as a render of the whole clip draws it. */
  frame(index: number): Promise<RenderedFrame> {
    const answer = this.queue.then(() => this.read(index));
    this.queue = answer.catch(() => undefined);
    return answer;
  }

  /** Stops the decoders and frees the network; waits for a request being answered. */
  async dispose(): Promise<void> {
    if (this.disposed) return;
    this.disposed = true;
    await this.queue;
    await this.closeCursor();
    this.render.dispose();
  }

  private async read(index: number): Promise<RenderedFrame> {
    if (this.disposed) throw new DvpError('CANCELLED', `The render of clip ${this.render.clip.id} was closed before frame ${index} was drawn.`);
    const { first, last } = this.render.shot;
    if (!Number.isInteger(index) || index < first || index > last) {
      throw new DvpError('INVALID_ARGUMENT', `Frame ${index} is outside clip ${this.render.clip.id} (frames ${first}-${last}).`);
    }
    let cursor = this.cursor;
    const ahead = cursor ? index - cursor.next : -1;
    if (!cursor || ahead < 0 || ahead > MAX_SKIP) {
      await this.closeCursor();
      cursor = { next: index, frames: this.render.frames({ from: index, skip: (frame) => frame < this.wanted }) };
      this.cursor = cursor;
    }
    this.wanted = index;
    try {
      const step = await cursor.frames.next();
      if (step.done || step.value.index !== index) throw new DvpError('INTERNAL', `Frame ${index} of clip ${this.render.clip.id} could not be read for synthesis.`);
      cursor.next = index + 1;
      return step.value;
    } catch (error) {
      await this.closeCursor();
      throw error;
    }
  }

  private async closeCursor(): Promise<void> {
    const cursor = this.cursor;
    this.cursor = undefined;
    await cursor?.frames.return(undefined).catch(() => undefined);
  }
}
