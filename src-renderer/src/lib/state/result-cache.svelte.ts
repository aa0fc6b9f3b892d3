import type { ApiClient } from '../../../../src-main/api/client.js';
import type { PlacedImage } from '../viewer/regl-viewer.js';

/** One synthesized frame as the viewer draws it: the whole plate with the network's face composited in. */
export interface ResultFrame {
  frame: number;
  placed: PlacedImage;
  /** False where the frame has no tracked face and the plate passes through. */
  synthesized: boolean;
  /** Which model and checkpoint made it ("model 1 · step 6"). */
  source: string;
}

/** What the synthesized frames are made under: the edit (the history's last seq) of a clip. */
export interface ResultKey {
  clipId: number;
  frame: number;
  /** The seq of the newest edit in the project's history (0: none): every edit, undo or redo changes it. */
  editSeq: number;
}

/** About 190 MiB of decoded pictures (RGBA in the image cache), whatever the plate size. */
const DEFAULT_BUDGET_BYTES = 190 * 1024 * 1024;

function decodeImage(png: string): Promise<HTMLImageElement> {
  const image = new Image();
  image.src = `data:image/png;base64,${png}`;
  return image.decode().then(() => image);
}

/**
 * The synthesized result frames the viewer has seen or prefetched, keyed by clip, frame, edit
 * (history seq) and model, least recently used dropped first once the pictures pass a byte
 * budget. An edit, undo or redo changes the key, so stale frames are never shown; a finished
 * training (the engine's newest model changes) or another project clears it. At most one
 * `synth.frame` runs at a time: each is a network pass on the engine, and frame requests
 * must keep getting through.
 */
export class ResultCache {
  /** The engine's model for this clip, learnt from its first answer (the newest trained model). */
  private modelId: number | null = null;
  private readonly entries = new Map<string, ResultFrame & { bytes: number }>();
  private bytes = 0;
  private inflight: { key: string; promise: Promise<ResultFrame> } | null = null;
  /** Bumped on invalidation: answers to older requests are not stored. */
  private generation = 0;
  /** Bumped whenever an entry is added or the cache cleared (the viewer re-reads on it). */
  revision = $state(0);

  constructor(
    private readonly api: ApiClient,
    private readonly budgetBytes = DEFAULT_BUDGET_BYTES,
  ) {
    api.on('job.updated', (job) => {
      if (job.kind === 'train' && (job.status === 'succeeded' || job.status === 'cancelled')) this.clear();
    });
    api.on('project.changed', () => this.clear());
  }

  get busy(): boolean {
    return this.inflight !== null;
  }

  /** Frames held (reactive: read through `revision`). */
  get size(): number {
    void this.revision;
    return this.entries.size;
  }

  clear(): void {
    this.entries.clear();
    this.bytes = 0;
    this.modelId = null;
    this.generation++;
    this.revision++;
  }

  cached(key: ResultKey): ResultFrame | undefined {
    const id = this.id(key);
    const hit = this.entries.get(id);
    if (hit) {
      this.entries.delete(id);
      this.entries.set(id, hit);
    }
    return hit;
  }

  /** The frame from the cache or the engine; a second request while one runs waits for it first. */
  async load(key: ResultKey): Promise<ResultFrame> {
    const hit = this.cached(key);
    if (hit) return hit;
    const id = this.id(key);
    while (this.inflight) {
      if (this.inflight.key === id) return this.inflight.promise;
      await this.inflight.promise.catch(() => undefined);
      const now = this.cached(key);
      if (now) return now;
    }
    const promise = this.fetch(key);
    this.inflight = { key: id, promise };
    try {
      return await promise;
    } finally {
      this.inflight = null;
    }
  }

  private id(key: ResultKey): string {
    return `${key.clipId}#${key.frame}#${key.editSeq}#${this.modelId ?? 'newest'}`;
  }

  private async fetch(key: ResultKey): Promise<ResultFrame> {
    const generation = this.generation;
    const data = await this.api.call('synth.frame', { clipId: key.clipId, frame: key.frame, ...(this.modelId !== null ? { modelId: this.modelId } : {}) });
    const image = await decodeImage(data.image.png);
    const result: ResultFrame = {
      frame: key.frame,
      placed: { image, rect: { x: 0, y: 0, width: data.image.width, height: data.image.height } },
      synthesized: data.synthesized,
      source: `model ${data.modelId} · step ${data.checkpointStep}`,
    };
    if (generation !== this.generation) return result;
    this.modelId = data.modelId;
    this.store(this.id(key), { ...result, bytes: data.image.width * data.image.height * 4 });
    return result;
  }

  private store(id: string, entry: ResultFrame & { bytes: number }): void {
    const old = this.entries.get(id);
    if (old) this.bytes -= old.bytes;
    this.entries.delete(id);
    this.entries.set(id, entry);
    this.bytes += entry.bytes;
    while (this.bytes > this.budgetBytes && this.entries.size > 1) {
      const [oldest, value] = this.entries.entries().next().value!;
      this.entries.delete(oldest);
      this.bytes -= value.bytes;
    }
    this.revision++;
  }
}
