import type { Keyframe, LaneCurve } from '../../../../src-main/api/edit-schemas.js';
import type { ApiClient } from '../../../../src-main/api/client.js';

type Proposed = { param: string; keys: Keyframe[] }[];

/**
 * A drag in progress: the keys it proposes, shown at once, and the curves the engine computes
 * for them (nothing is written; the latest request wins, requests never pile up).
 */
export class CurvePreview {
  /** Curves computed for the proposed keys, per lane. */
  curves = $state.raw<ReadonlyMap<string, LaneCurve>>(new Map());
  /** Keys shown instead of the stored ones, per lane. */
  keys = $state.raw<ReadonlyMap<string, Keyframe[]>>(new Map());

  private token = 0;
  private wanted: Proposed | null = null;
  private busy = false;

  constructor(private readonly api: () => ApiClient) {}

  show(clipId: number, proposed: Proposed): void {
    this.keys = new Map(proposed.map((p) => [p.param, p.keys]));
    this.wanted = proposed;
    if (!this.busy) void this.run(clipId, this.token);
  }

  cancel(): void {
    this.token++;
    this.wanted = null;
    if (this.keys.size > 0) this.keys = new Map();
    if (this.curves.size > 0) this.curves = new Map();
  }

  private async run(clipId: number, token: number): Promise<void> {
    this.busy = true;
    try {
      while (this.wanted && token === this.token) {
        const proposed = this.wanted;
        this.wanted = null;
        try {
          const curves = await this.api().call('edit.curves', { clipId, params: proposed.map((p) => p.param), proposed });
          if (token === this.token) this.curves = new Map(curves.curves.map((c) => [c.param, c]));
        } catch {
          // A refused preview (e.g. a key dragged onto an invalid frame) leaves the last good one up.
        }
      }
    } finally {
      this.busy = false;
      if (this.wanted && this.token !== token) void this.run(clipId, this.token);
    }
  }
}
