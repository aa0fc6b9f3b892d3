import type { FrameRange } from '../../../../src-main/api/frame-range.js';
import { evaluateLane } from '../../../../src-main/api/lane-curve.js';
import { strengthLaneParam, type Binding, type BindingMode, type EditChange, type Keyframe } from '../../../../src-main/api/edit-schemas.js';
import type { Clip } from '../../../../src-main/api/schemas.js';
import { rationalToNumber } from '../../../../src-main/api/timecode.js';
import type { ShotEditor } from './edit.svelte.js';
import type { Player } from './player.svelte.js';

export const BINDING_MODES: { mode: BindingMode; label: string }[] = [
  { mode: 'mouth', label: 'Mouth (dub)' },
  { mode: 'expression', label: 'Expression' },
  { mode: 'gaze', label: 'Gaze' },
  { mode: 'full', label: 'Full head' },
];

/** The target frames a binding reaches: its source's length placed at the offset, then trimmed. */
export function bindingSpan(binding: Binding, source: Clip | undefined, target: Clip | null, offsetShift = 0): FrameRange | null {
  if (!source || !target) return null;
  const offset = binding.offset + offsetShift;
  const length = Math.round((source.frameCount * target.fps.num * source.fps.den) / (target.fps.den * source.fps.num));
  const first = Math.max(0, offset, binding.rangeStart ?? 0);
  const last = Math.min(target.frameCount - 1, offset + length - 1, binding.rangeEnd ?? Infinity);
  return last >= first ? { first, last } : null;
}

/**
 * The source bindings of the selected shot as an editor changes them: which one is selected,
 * and every command on it (strength, keyed strength, mode, trim, neutral frames), each one
 * edit and one undo step through `ShotEditor.apply`.
 */
export class BindingEditor {
  #selectedId = $state<string | null>(null);

  constructor(
    private readonly editor: ShotEditor,
    private readonly player: Player,
  ) {}

  get selectedId(): string | null {
    return this.#selectedId;
  }

  /** The selected binding, while it is in the shot. */
  get selected(): Binding | null {
    return this.editor.shot?.bindings.find((b) => b.id === this.#selectedId) ?? null;
  }

  select(id: string | null): void {
    this.#selectedId = id;
  }

  strengthKeys(id: string): readonly Keyframe[] {
    return this.editor.lane(strengthLaneParam(id))?.keys ?? [];
  }

  /** The binding's strength at a frame (0–1): its keys where it has them, else its own strength. */
  strengthAt(binding: Binding, frame: number): number {
    // Strength keys are a lane like any other: evaluated as the engine composes them.
    const percent = evaluateLane(this.strengthKeys(binding.id), frame);
    return percent === undefined ? binding.strength : Math.min(1, Math.max(0, percent / 100));
  }

  /** The source frame a binding shows at a target frame (same rule as the engine), or null outside it. */
  sourceFrameAt(binding: Binding, source: Clip | undefined, frame: number): number | null {
    const target = this.editor.clip;
    if (!source || !target) return null;
    if ((binding.rangeStart !== null && frame < binding.rangeStart) || (binding.rangeEnd !== null && frame > binding.rangeEnd)) return null;
    const elapsed = frame - binding.offset;
    const sourceFps = rationalToNumber(source.fps);
    const targetFps = rationalToNumber(target.fps);
    const index = sourceFps === targetFps ? elapsed : Math.round((elapsed * sourceFps) / targetFps);
    return index >= 0 && index < source.frameCount ? index : null;
  }

  /** Strength (0–1): a key at the playhead where the binding's strength is keyed, otherwise the binding's strength. */
  async setStrength(id: string, strength: number): Promise<void> {
    const value = Math.min(1, Math.max(0, Math.round(strength * 100) / 100));
    if (this.strengthKeys(id).length > 0) {
      await this.editor.apply(`Strength ${Math.round(value * 100)} % at frame ${this.player.frame}`, [this.keyChange(id, value)]);
      return;
    }
    if (this.binding(id)?.strength === value) return;
    await this.editor.apply(`Binding strength ${Math.round(value * 100)} %`, [{ kind: 'setBinding', binding: { id, strength: value } }]);
  }

  /** Keys the strength at the playhead with the value it has there now (the first key starts the fade). */
  async keyStrength(id: string): Promise<void> {
    const binding = this.binding(id);
    if (!binding) return;
    await this.editor.apply(`Key binding strength at frame ${this.player.frame}`, [this.keyChange(id, this.strengthAt(binding, this.player.frame))]);
  }

  async deleteStrengthKey(id: string): Promise<void> {
    const key = this.strengthKeys(id).find((k) => k.position === this.player.frame);
    if (key) await this.editor.apply(`Delete strength key at frame ${key.position}`, [{ kind: 'deleteKey', param: strengthLaneParam(id), id: key.id }]);
  }

  async setMode(id: string, mode: BindingMode): Promise<void> {
    if (this.binding(id)?.mode !== mode) await this.editor.apply(`Binding drives ${BINDING_MODES.find((m) => m.mode === mode)?.label ?? mode}`, [{ kind: 'setBinding', binding: { id, mode } }]);
  }

  /** Trims the binding to target frames [start, end] (null: open end). */
  async trim(id: string, rangeStart: number | null, rangeEnd: number | null): Promise<void> {
    const binding = this.binding(id);
    if (!binding || (binding.rangeStart === rangeStart && binding.rangeEnd === rangeEnd)) return;
    await this.editor.apply('Trim source binding', [{ kind: 'setBinding', binding: { id, rangeStart, rangeEnd } }]);
  }

  /** The target's neutral frame for this binding (null: the tracker's automatic one). */
  async setTargetNeutral(id: string, frame: number | null): Promise<void> {
    await this.editor.apply(frame === null ? 'Target neutral: automatic' : `Target neutral: frame ${frame}`, [{ kind: 'setBinding', binding: { id, targetNeutralFrame: frame } }]);
  }

  async setSourceNeutral(id: string, frame: number | null): Promise<void> {
    await this.editor.apply(frame === null ? 'Source neutral: automatic' : `Source neutral: frame ${frame}`, [{ kind: 'setBinding', binding: { id, sourceNeutralFrame: frame } }]);
  }

  private binding(id: string): Binding | undefined {
    return this.editor.shot?.bindings.find((b) => b.id === id);
  }

  private keyChange(id: string, strength: number): EditChange {
    const existing = this.strengthKeys(id).find((k) => k.position === this.player.frame);
    const value = Math.round(strength * 1000) / 10;
    return { kind: 'setKey', param: strengthLaneParam(id), key: existing ? { id: existing.id, value } : { position: this.player.frame, value, type: 'linear' } };
  }
}
