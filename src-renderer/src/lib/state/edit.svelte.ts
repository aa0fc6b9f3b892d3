import { ApiCallError } from '../../../../src-main/api/client.js';
import type { BindingMode, ControlInfo, Curves, EditChange, Keyframe, Lane, LaneCurve, ShotEdit } from '../../../../src-main/api/edit-schemas.js';
import type { Clip } from '../../../../src-main/api/schemas.js';
import { keyAt, keyRef } from '../timeline/keys.js';
import { laneRange, type ValueRange } from '../timeline/scale.js';
import { CurvePreview } from './curve-preview.svelte.js';
import { EditHistory } from './history.svelte.js';
import { KeyOps } from './key-ops.svelte.js';
import type { Player } from './player.svelte.js';
import type { Studio } from './studio.svelte.js';
import { TimelineView } from './timeline.svelte.js';

export type SaveState = { state: 'idle' } | { state: 'saving' } | { state: 'saved'; at: Date } | { state: 'failed'; message: string };

/**
 * The edit of the selected target clip's shot: its lanes and bindings, the curves the engine
 * composed, and every editing command. Each command is one whole edit sent to the engine, which
 * writes it to the project file before answering (autosave) and records it as one undo step.
 * Drags show the engine's preview of the proposed keys and commit once, on release.
 */
export class ShotEditor {
  clip = $state.raw<Clip | null>(null);
  shot = $state.raw<ShotEdit | null>(null);
  curves = $state.raw<Curves | null>(null);
  loading = $state(false);
  error = $state<string | null>(null);
  save = $state.raw<SaveState>({ state: 'idle' });

  readonly history = new EditHistory();
  readonly view = new TimelineView();
  readonly ops: KeyOps;

  readonly controls: ControlInfo[] = $derived(this.curves?.controls ?? []);
  /** Each lane's vertical range, from the committed curves (stable while dragging). */
  readonly ranges: ReadonlyMap<string, ValueRange> = $derived.by(() => {
    const ranges = new Map<string, ValueRange>();
    for (const control of this.controls) {
      const curve = this.curves?.curves.find((c) => c.param === control.param);
      ranges.set(control.param, laneRange(control.unit, [curve?.tracked, curve?.edited], curve ? [curve.observed.min, curve.observed.max] : []));
    }
    return ranges;
  });
  readonly keyCount = $derived(this.shot?.lanes.reduce((n, lane) => n + lane.keys.length, 0) ?? 0);

  private projectFile: string | null = null;
  private loadToken = 0;
  private readonly preview = new CurvePreview(() => this.api);

  constructor(
    private readonly studio: Studio,
    private readonly player: Player,
  ) {
    this.ops = new KeyOps(this, player);
  }

  private get api() {
    return this.studio.backend.api;
  }

  /** Follows the selected clip; reloads when it was tracked again. */
  setClip(clip: Clip | null): void {
    const editable = clip && clip.role === 'target' ? clip : null;
    const project = this.studio.project?.file ?? null;
    // Clip ids are per project: the same id in another project is another shot.
    const same = project === this.projectFile && editable?.id === this.clip?.id && editable?.status.trackedFrames === this.clip?.status.trackedFrames;
    this.clip = editable;
    this.projectFile = project;
    if (same && (this.curves || this.loading)) return;
    this.shot = null;
    this.curves = null;
    this.cancelDrag();
    this.view.clearSelection();
    this.view.forgetLanes();
    this.view.focusedLane = null;
    if (editable) {
      this.view.setFrameCount(editable.frameCount);
      void this.reload();
    }
  }

  async reload(): Promise<void> {
    const clip = this.clip;
    if (!clip) return;
    const token = ++this.loadToken;
    this.loading = true;
    try {
      const [shot, curves, history] = await Promise.all([
        this.api.call('edit.shot', { clipId: clip.id }),
        this.api.call('edit.curves', { clipId: clip.id }),
        this.api.call('edit.history', {}),
      ]);
      if (token !== this.loadToken) return;
      this.shot = shot;
      this.curves = curves;
      this.history.set(history);
      this.error = null;
    } catch (error) {
      if (token === this.loadToken) this.error = message(error);
    } finally {
      if (token === this.loadToken) this.loading = false;
    }
  }

  lane(param: string): Lane | undefined {
    return this.shot?.lanes.find((l) => l.param === param);
  }

  keysOf(param: string): readonly Keyframe[] {
    return this.preview.keys.get(param) ?? this.lane(param)?.keys ?? [];
  }

  curveOf(param: string): LaneCurve | undefined {
    return this.preview.curves.get(param) ?? this.curves?.curves.find((c) => c.param === param);
  }

  modeOf(param: string): Lane['mode'] {
    return this.lane(param)?.mode ?? 'offset';
  }

  control(param: string): ControlInfo | undefined {
    return this.controls.find((c) => c.param === param);
  }

  /** The edited value of a lane at a frame (what will be rendered). */
  valueAt(param: string, frame: number): number | undefined {
    return this.curveOf(param)?.edited[frame];
  }

  /** Sends one whole edit; the engine writes it to the project file before it answers. */
  async apply(label: string, changes: EditChange[]): Promise<string[] | null> {
    const clip = this.clip;
    if (!clip || changes.length === 0) return null;
    this.save = { state: 'saving' };
    try {
      const result = await this.api.call('edit.apply', { edit: { targetClipId: clip.id, label, changes } });
      this.shot = result.shot;
      this.history.set(result.history);
      await this.refreshCurves();
      this.save = { state: 'saved', at: new Date() };
      return result.keyIds;
    } catch (error) {
      this.save = { state: 'failed', message: message(error) };
      this.studio.notify('error', message(error));
      return null;
    } finally {
      this.cancelDrag();
    }
  }

  private async refreshCurves(): Promise<void> {
    if (!this.clip) return;
    this.curves = await this.api.call('edit.curves', { clipId: this.clip.id });
  }

  // ── Drags: preview through the engine, nothing written until release ──

  /** Shows `proposed` keys and the curves the engine computes for them. */
  previewKeys(proposed: { param: string; keys: Keyframe[] }[]): void {
    if (this.clip) this.preview.show(this.clip.id, proposed);
  }

  cancelDrag(): void {
    this.preview.cancel();
  }

  // ── Keyframe commands ──

  private committedCurve(param: string): LaneCurve | undefined {
    return this.curves?.curves.find((c) => c.param === param);
  }

  /** The lane's own value at a frame: what a new key there must hold to leave the curve as it is. */
  private laneValueAt(param: string, frame: number): number {
    const curve = this.committedCurve(param);
    if (this.modeOf(param) === 'absolute') return curve?.edited[frame] ?? 0;
    return curve?.lane?.[frame] ?? 0;
  }

  /** The value a key at `frame` must hold for the edited curve to show `target` there. */
  private keyValueFor(param: string, frame: number, target: number): number | undefined {
    const edited = this.committedCurve(param)?.edited[frame];
    if (edited === undefined || !Number.isFinite(target)) return undefined;
    return round(this.modeOf(param) === 'absolute' ? target : this.laneValueAt(param, frame) + (target - edited));
  }

  /** Adds a key at `frame` on the lane without changing the curve (double-click, K, the inspector's ◆). */
  async addKey(param: string, frame: number): Promise<void> {
    const existing = keyAt(this.keysOf(param), frame);
    if (existing) {
      this.view.select([keyRef(param, existing.id)]);
      return;
    }
    const ids = await this.apply(`Add keyframe on ${this.labelOf(param)}`, [{ kind: 'setKey', param, key: { position: frame, value: round(this.laneValueAt(param, frame)) } }]);
    if (ids) this.view.select(ids.map((id) => keyRef(param, id)));
  }

  // ── Inspector commands (at the playhead) ──

  /** Sets the control's edited value at the playhead by keying its lane there. */
  async setValue(param: string, target: number): Promise<void> {
    const frame = this.player.frame;
    const value = this.keyValueFor(param, frame, target);
    if (value === undefined) return this.cancelDrag();
    await this.apply(`Set ${this.labelOf(param)}`, [{ kind: 'setKey', param, key: { position: frame, value } }]);
  }

  /** While a slider moves: the curve the value would give, through the engine, nothing written. */
  previewValue(param: string, target: number): void {
    const frame = this.player.frame;
    const value = this.keyValueFor(param, frame, target);
    if (value === undefined) return;
    const keys = this.lane(param)?.keys ?? [];
    const existing = keyAt(keys, frame);
    const key: Keyframe = existing ? { ...existing, value } : { id: 'preview', position: frame, value, type: 'linear', handles: [0.5, 1, 0.5, 0], connectedRight: true };
    this.previewKeys([{ param, keys: [...keys.filter((k) => k.position !== frame), key].sort((a, b) => a.position - b.position) }]);
  }

  async toggleKey(param: string): Promise<void> {
    const frame = this.player.frame;
    const existing = keyAt(this.keysOf(param), frame);
    if (existing) await this.apply(`Delete keyframe on ${this.labelOf(param)}`, [{ kind: 'deleteKey', param, id: existing.id }]);
    else await this.addKey(param, frame);
  }

  /** Back to the tracked performance: the lane's keys go and it returns to offset mode. */
  async resetLane(param: string): Promise<void> {
    const lane = this.lane(param);
    if (!lane) return;
    const changes: EditChange[] = lane.keys.map((k) => ({ kind: 'deleteKey', param, id: k.id }));
    if (lane.mode !== 'offset') changes.push({ kind: 'setLaneMode', param, mode: 'offset' });
    await this.apply(`Reset ${this.labelOf(param)}`, changes);
  }

  async setLaneMode(param: string, mode: Lane['mode']): Promise<void> {
    if (this.modeOf(param) !== mode) await this.apply(`${this.labelOf(param)}: ${mode} lane`, [{ kind: 'setLaneMode', param, mode }]);
  }

  // ── Source bindings ──

  async bindSource(sourceClipId: number, mode: BindingMode): Promise<void> {
    await this.apply('Bind source', [{ kind: 'setBinding', binding: { sourceClipId, mode, offset: this.player.frame } }]);
  }

  async moveBinding(id: string, offset: number): Promise<void> {
    const binding = this.shot?.bindings.find((b) => b.id === id);
    if (binding && binding.offset !== offset) await this.apply('Move source binding', [{ kind: 'setBinding', binding: { id, offset } }]);
  }

  async removeBinding(id: string): Promise<void> {
    await this.apply('Remove source binding', [{ kind: 'deleteBinding', id }]);
  }

  // ── Undo / redo through the project's history ──

  async undo(): Promise<void> {
    await this.step('edit.undo', 'Undid');
  }

  async redo(): Promise<void> {
    await this.step('edit.redo', 'Redid');
  }

  private async step(method: 'edit.undo' | 'edit.redo', verb: string): Promise<void> {
    if (!this.studio.project) return;
    this.cancelDrag();
    this.save = { state: 'saving' };
    try {
      const { entry, history } = await this.api.call(method, {});
      this.history.set(history);
      this.save = { state: 'saved', at: new Date() };
      if (!entry) return;
      if (entry.targetClipId === this.clip?.id) await this.reload();
      else this.studio.notify('info', `${verb} “${entry.label}” on clip ${entry.targetClipId}.`);
    } catch (error) {
      this.save = { state: 'failed', message: message(error) };
      this.studio.notify('error', message(error));
    }
  }

  private labelOf(param: string): string {
    return this.control(param)?.label ?? param;
  }
}

/** Values keep 4 decimals: far finer than any control shows, and stable in the file. */
function round(value: number): number {
  return Math.round(value * 1e4) / 1e4;
}

function message(error: unknown): string {
  return error instanceof ApiCallError ? error.message : `Unexpected problem: ${(error as Error).message}`;
}
