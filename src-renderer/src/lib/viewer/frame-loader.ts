export interface RgbFrame {
  index: number;
  width: number;
  height: number;
  data: Uint8Array;
}

/**
 * Fetches raw RGB frames from the backend's media route (`media/frame/<clip>/<index>.rgb`)
 * and keeps the most recent ones. Requests for the same frame share one fetch.
 */
export class FrameLoader {
  private readonly cache = new Map<string, RgbFrame>();
  private readonly inflight = new Map<string, Promise<RgbFrame>>();

  constructor(
    private readonly mediaUrl: (path: string) => string,
    private readonly capacity = 96,
  ) {}

  cached(clipId: number, index: number): RgbFrame | undefined {
    return this.cache.get(`${clipId}#${index}`);
  }

  load(clipId: number, index: number): Promise<RgbFrame> {
    const key = `${clipId}#${index}`;
    const hit = this.cache.get(key);
    if (hit) return Promise.resolve(hit);
    const pending = this.inflight.get(key);
    if (pending) return pending;
    const request = this.fetchFrame(clipId, index).finally(() => this.inflight.delete(key));
    this.inflight.set(key, request);
    return request;
  }

  get loading(): number {
    return this.inflight.size;
  }

  clear(): void {
    this.cache.clear();
  }

  private async fetchFrame(clipId: number, index: number): Promise<RgbFrame> {
    const response = await fetch(this.mediaUrl(`media/frame/${clipId}/${index}.rgb`), { credentials: 'same-origin' });
    if (!response.ok) {
      let message = `frame ${index} could not be loaded (HTTP ${response.status})`;
      try {
        const body = (await response.json()) as { message?: unknown };
        if (typeof body.message === 'string') message = body.message;
      } catch {
        // keep the status line
      }
      throw new Error(message);
    }
    const width = Number(response.headers.get('X-Frame-Width'));
    const height = Number(response.headers.get('X-Frame-Height'));
    const data = new Uint8Array(await response.arrayBuffer());
    if (!(width > 0 && height > 0) || data.length !== width * height * 3) throw new Error(`frame ${index} arrived damaged (${data.length} bytes).`);
    const frame = { index, width, height, data };
    const key = `${clipId}#${index}`;
    this.cache.set(key, frame);
    while (this.cache.size > this.capacity) {
      const oldest = this.cache.keys().next().value;
      if (oldest === undefined) break;
      this.cache.delete(oldest);
    }
    return frame;
  }
}
