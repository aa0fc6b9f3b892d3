import { BACKEND_REQUEST_NAMES, type BackendRequestName, type PrecisionName } from '../../../../src-main/api/backend.js';
import type { ApiClient } from '../../../../src-main/api/client.js';
import type { LossPoint, TrainingModel, TrainingOverview } from '../../../../src-main/api/pipeline.js';
import type { Job } from '../../../../src-main/api/schemas.js';
import { RefreshThrottle } from './refresh-throttle.js';
import { UsageError } from './usage-error.js';

const REFRESH_MS = 2000;

/**
 * The training panel's state for one target clip: presets, models with their checkpoints,
 * runs and previews, the selected model's loss history and preview image, and the settings
 * of the next run. Refreshed while a training job runs.
 */
export class TrainingState {
  clipId = $state<number | null>(null);
  overview = $state<TrainingOverview | null>(null);
  error = $state<string | null>(null);
  selectedModelId = $state<number | null>(null);
  /** The selected model's losses: every step from its loss history, or (no history kept) at its checkpoints. */
  losses = $state<LossPoint[]>([]);
  /** Steps in the loss history; 0 for a model trained before one was kept (then `losses` are its checkpoints'). */
  lossTotal = $state(0);
  previewStep = $state<number | null>(null);
  previewUrl = $state<string | null>(null);
  preset = $state('plate-preview');
  steps = $state(1500);
  checkpointEvery = $state(50);
  previewEvery = $state(25);
  /** Score the held-out frames every this many steps (0: never); early stop after this many evaluations without a gain (0: never). */
  evaluateEvery = $state(100);
  earlyStopPatience = $state(0);
  /** The backend and convolution precision of the next run (`auto`: the first that runs here). */
  backend = $state<BackendRequestName>('auto');
  precision = $state<PrecisionName>('f32');

  readonly model: TrainingModel | null = $derived(this.overview?.models.find((m) => m.id === this.selectedModelId) ?? null);

  /** The selected model's held-out PSNR by step, the model's and the nearest-neighbour baseline's (NaN where not finite). */
  readonly heldOutPsnr: { step: number; model: number; nearestNeighbour: number }[] = $derived(
    (this.model?.heldOut ?? []).map((p) => ({ step: p.step, model: p.model.psnr ?? NaN, nearestNeighbour: p.nearestNeighbour.psnr ?? NaN })),
  );

  /** Each backend choice with whether it can run here and why not (from the engine's `auto` candidates). */
  readonly backendChoices: { name: BackendRequestName; available: boolean; reason: string }[] = $derived(
    BACKEND_REQUEST_NAMES.map((name) => {
      const statuses = this.overview?.backends ?? [];
      const matching = statuses.filter((s) => (name === 'tensorflow' ? s.name === 'tfjs-node-gpu' || s.name === 'tfjs-node' : s.name === name));
      if (name === 'auto') return { name, available: true, reason: 'the first that runs here: tfjs-node-gpu, native, tfjs-node, wasm' };
      if (name === 'cpu') return { name, available: true, reason: 'plain JavaScript reference kernels; slow, for debugging' };
      if (matching.length === 0) return { name, available: true, reason: '' };
      const usable = matching.find((s) => s.available);
      return { name, available: usable !== undefined, reason: (usable ?? matching[0]!).reason };
    }),
  );

  /** Clip ids are per project: the same id in another project file is another clip. */
  private projectFile: string | null = null;
  private readonly throttle = new RefreshThrottle(REFRESH_MS, () => void this.refresh());

  constructor(private readonly api: ApiClient) {
    api.on('job.updated', (job) => {
      if (job.kind !== 'train' || this.clipId === null) return;
      if (job.status === 'running') this.throttle.soon();
      else void this.refresh();
    });
  }

  select(clipId: number | null, projectFile: string | null = null): void {
    if (clipId === this.clipId && projectFile === this.projectFile) return;
    this.clipId = clipId;
    this.projectFile = projectFile;
    this.error = null;
    this.overview = null;
    this.selectedModelId = null;
    this.losses = [];
    this.previewUrl = null;
    this.previewStep = null;
    void this.refresh();
  }

  choosePreset(name: string): void {
    this.preset = name;
    const preset = this.overview?.presets.find((p) => p.name === name);
    if (!preset) return;
    this.steps = preset.steps;
    // A preset that stops itself (plate-overnight) brings its held-out schedule; the others keep the panel's.
    if (preset.evaluateEvery) this.evaluateEvery = preset.evaluateEvery;
    if (preset.earlyStopPatience) this.earlyStopPatience = preset.earlyStopPatience;
  }

  async refresh(): Promise<void> {
    const clipId = this.clipId;
    const projectFile = this.projectFile;
    if (clipId === null) return;
    this.throttle.started();
    try {
      const overview = await this.api.call('training.overview', { clipId });
      if (clipId !== this.clipId || projectFile !== this.projectFile) return;
      const first = this.overview === null;
      this.overview = overview;
      this.error = null;
      if (first && !overview.presets.some((p) => p.name === this.preset)) this.choosePreset(overview.presets[0]?.name ?? this.preset);
      if (!overview.models.some((m) => m.id === this.selectedModelId)) this.selectedModelId = overview.models.at(-1)?.id ?? null;
      await this.loadModelDetails();
    } catch (error) {
      if (clipId === this.clipId) this.error = (error as Error).message;
    }
  }

  async selectModel(id: number): Promise<void> {
    this.selectedModelId = id;
    this.previewStep = null;
    await this.loadModelDetails();
  }

  async showPreview(step: number): Promise<void> {
    const modelId = this.selectedModelId;
    if (modelId === null) return;
    this.previewStep = step;
    try {
      const image = await this.api.call('training.preview', { modelId, step });
      if (modelId === this.selectedModelId && step === this.previewStep) this.previewUrl = `data:image/png;base64,${image.png}`;
    } catch (error) {
      this.error = (error as Error).message;
    }
  }

  /** A new run: resumes the latest model of the preset on these frames, or starts one (`fresh`: always new). */
  start(fresh: boolean): Promise<Job> {
    if (this.clipId === null) throw new UsageError('Select a target clip to train.');
    return this.api.startJob('train', {
      clipId: this.clipId,
      preset: this.preset,
      steps: this.steps,
      fresh,
      checkpointEvery: this.checkpointEvery,
      previewEvery: this.previewEvery,
      ...this.evaluationParams(),
      backend: this.backend,
      precision: this.precision,
    });
  }

  resume(model: TrainingModel): Promise<Job> {
    return this.api.startJob('train', {
      clipId: model.clipId,
      modelId: model.id,
      steps: Math.max(this.steps, (model.checkpoints.at(-1)?.step ?? 0) + 1),
      checkpointEvery: this.checkpointEvery,
      previewEvery: this.previewEvery,
      ...this.evaluationParams(),
      backend: this.backend,
      precision: this.precision,
    });
  }

  /** Held-out scoring and early stop of the next run. */
  private evaluationParams(): { evaluateEvery: number; earlyStop?: { patience: number } } {
    const evaluateEvery = Math.max(0, Math.floor(this.evaluateEvery || 0));
    const patience = Math.max(0, Math.floor(this.earlyStopPatience || 0));
    return evaluateEvery > 0 && patience > 0 ? { evaluateEvery, earlyStop: { patience } } : { evaluateEvery };
  }

  private async loadModelDetails(): Promise<void> {
    const model = this.model;
    if (!model) {
      this.losses = [];
      this.lossTotal = 0;
      this.previewUrl = null;
      return;
    }
    const losses = await this.api.call('training.losses', { modelId: model.id, maxPoints: 300 });
    if (model.id !== this.selectedModelId) return;
    this.losses = losses.total > 0 ? losses.points : checkpointLosses(model);
    this.lossTotal = losses.total;
    const latestPreview = model.previews.at(-1);
    if (latestPreview !== undefined && (this.previewStep === null || this.previewStep < latestPreview)) await this.showPreview(latestPreview);
  }
}

/** The losses each checkpoint recorded (what is known of a model whose per-step history was not kept). */
function checkpointLosses(model: TrainingModel): LossPoint[] {
  return model.checkpoints.flatMap(({ step, metrics: { generator, discriminator, l1 } }) =>
    generator !== undefined && discriminator !== undefined && l1 !== undefined ? [{ step, generator, discriminator, l1 }] : [],
  );
}
