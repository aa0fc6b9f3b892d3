/**
 * The face detector: MediaPipe face mesh (468 points) + iris (5 + 5 points) through
 * @vladmandic/human on the tfjs wasm backend. One instance per thread; it keeps the
 * mesh model's own box tracking between consecutive frames, so the box detector only
 * runs when the face is lost or every `redetectEvery` frames.
 */
import { readFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import Module, { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { DvpError } from '../../shared/errors.js';

/** Points per detection: 468 mesh vertices then 5 left-iris and 5 right-iris points. */
export const DETECTED_POINTS = 478;

/** Input size of the face mesh model (pixels of its square crop). */
const MESH_INPUT_SIZE = 192;

export interface Detection {
  /** Image-pixel x, y and the detector's relative depth z (image-pixel scale), DETECTED_POINTS × 3. */
  points: Float32Array;
  /** Face box in image pixels [x, y, width, height]. */
  box: [number, number, number, number];
  /** Mesh model confidence in [0, 1]. */
  score: number;
  /** Box detector confidence in [0, 1]. */
  boxScore: number;
  /** Size (pixels) of the box detector's face square: the unit of `minSize`. */
  detectorSize: number;
}

export interface DetectorOptions {
  /** Most faces reported per frame. */
  maxFaces?: number;
  /** Run the box detector at least this often even while the mesh keeps the face. */
  redetectEvery?: number;
}

interface HumanFace {
  mesh: number[][];
  box: [number, number, number, number];
  score: number;
  boxScore: number;
  size: [number, number];
}

interface HumanInstance {
  config: Record<string, unknown>;
  load(): Promise<void>;
  detect(input: unknown, config?: Record<string, unknown>): Promise<{ face: HumanFace[]; error?: string | null }>;
  tf: {
    tensor(values: Uint8Array | Float32Array, shape: number[], dtype: string): { dispose(): void };
    engine(): { startScope(): void; endScope(): void };
    memory(): { numTensors: number };
  };
}

const require = createRequire(import.meta.url);

function packageDir(name: string, entry: string): string {
  const resolved = require.resolve(name);
  const marker = `${path.sep}node_modules${path.sep}${name.split('/').join(path.sep)}${path.sep}`;
  const at = resolved.lastIndexOf(marker);
  if (at < 0) throw new DvpError('BACKEND_UNAVAILABLE', `cannot locate the ${name} package (resolved ${resolved}; expected ${entry}).`);
  return resolved.slice(0, at + marker.length);
}

/**
 * Two fixes to the library's bundle (3.3.6), applied to its source as it is loaded:
 * - it truncates every landmark to whole pixels when it maps the mesh back into the frame: up to a
 *   pixel of error, which on a face of 60 px between the eyes is several degrees of gaze and
 *   visible jitter of pose; the fractions are kept;
 * - it mirrors the subject's right eye crop for the iris model as well as the left one but un-mirrors
 *   only the left one's answer, so the right iris moved against the eye; as in MediaPipe's own
 *   pipeline, only the left eye is mirrored;
 * - it replaces the mesh's eye contours (lids, corners, the rings around them) with the iris model's,
 *   which follow the iris: a gaze shift of 2.8 px moved the eye corners 1.1 px, and the head pose
 *   fit followed them, taking a fifth of every gaze change away. The mesh's own contours move
 *   0.2 px there; they are kept.
 */
const HUMAN_FIXES: readonly { find: string; replace: string }[] = [
  { find: 'Math.trunc(x[0]+y[0]),Math.trunc(x[1]+y[1]),Math.trunc(x[2]||0)', replace: 'x[0]+y[0],x[1]+y[1],x[2]||0' },
  { find: 'N3(e,t,h2.rightBounds[0],h2.rightBounds[1],n,!0,', replace: 'N3(e,t,h2.rightBounds[0],h2.rightBounds[1],n,!1,' },
  { find: 'Math.abs(p)<30?(ut(e,m,"left",null),ut(e,T,"right",null)):p<1?ut(e,m,"left",["EyeUpper0","EyeLower0"]):ut(e,T,"right",["EyeUpper0","EyeLower0"]);', replace: '' },
];

function loadFixedHuman(file: string): unknown {
  let source = readFileSync(file, 'utf8');
  for (const fix of HUMAN_FIXES) {
    const at = source.indexOf(fix.find);
    if (at < 0 || source.indexOf(fix.find, at + 1) >= 0) {
      throw new DvpError('BACKEND_UNAVAILABLE', `${file}: this is not the @vladmandic/human 3.3.6 bundle the tracker fixes (no single \`${fix.find}\`).`, { file });
    }
    source = source.replace(fix.find, fix.replace);
  }
  const loaded = new Module(file);
  loaded.filename = file;
  loaded.paths = (Module as unknown as { _nodeModulePaths(dir: string): string[] })._nodeModulePaths(path.dirname(file));
  (loaded as unknown as { _compile(code: string, filename: string): void })._compile(source, file);
  return loaded.exports;
}

let fileFetchInstalled = false;

/** Node's fetch cannot read file:// URLs; tfjs loads model manifests and weights through fetch. */
function installFileFetch(): void {
  if (fileFetchInstalled) return;
  fileFetchInstalled = true;
  const original = globalThis.fetch;
  globalThis.fetch = async (input: Parameters<typeof fetch>[0], init?: RequestInit): Promise<Response> => {
    const url = typeof input === 'string' ? input : input instanceof URL ? input.href : input.url;
    if (!url.startsWith('file://')) return original(input, init);
    const bytes = await readFile(fileURLToPath(url));
    const type = url.endsWith('.json') ? 'application/json' : 'application/octet-stream';
    return new Response(bytes, { status: 200, headers: { 'content-type': type } });
  };
}

export class FaceDetector {
  private constructor(private readonly human: HumanInstance, private readonly options: Required<DetectorOptions>) {}

  static async create(options: DetectorOptions = {}): Promise<FaceDetector> {
    installFileFetch();
    const humanDir = packageDir('@vladmandic/human', 'dist/human.node-wasm.js');
    const wasmDir = packageDir('@tensorflow/tfjs-backend-wasm', 'dist');
    const opts: Required<DetectorOptions> = { maxFaces: options.maxFaces ?? 3, redetectEvery: options.redetectEvery ?? 50 };
    let module: { Human: new (config: Record<string, unknown>) => HumanInstance };
    try {
      module = loadFixedHuman(path.join(humanDir, 'dist', 'human.node-wasm.js')) as typeof module;
    } catch (error) {
      if (error instanceof DvpError) throw error;
      throw new DvpError('BACKEND_UNAVAILABLE', `could not load the face detector (@vladmandic/human): ${(error as Error).message}`, { cause: error });
    }
    const config = {
      backend: 'wasm',
      wasmPath: `${path.join(wasmDir, 'dist')}${path.sep}`,
      modelBasePath: `file://${path.join(humanDir, 'models')}/`,
      debug: false,
      async: false,
      warmup: 'none',
      // Frame similarity decides whether the mesh may reuse last frame's box; our frames
      // are consecutive video frames, so always allow it (the mesh confidence guards it).
      cacheSensitivity: 1e9,
      filter: { enabled: false },
      gesture: { enabled: false },
      body: { enabled: false },
      hand: { enabled: false },
      object: { enabled: false },
      segmentation: { enabled: false },
      face: {
        enabled: true,
        detector: {
          rotation: true,
          maxDetected: opts.maxFaces,
          skipFrames: opts.redetectEvery,
          skipTime: 1e9,
          minConfidence: 0.3,
          iouThreshold: 0.1,
          return: false,
        },
        mesh: { enabled: true },
        iris: { enabled: true },
        attention: { enabled: false },
        emotion: { enabled: false },
        description: { enabled: false },
        antispoof: { enabled: false },
        liveness: { enabled: false },
      },
    };
    const human = new module.Human(config);
    const log = console.log;
    try {
      console.log = () => undefined; // the library prints its banner and backend notes
      await human.load();
    } catch (error) {
      throw new DvpError('BACKEND_UNAVAILABLE', `could not load the face detector models: ${(error as Error).message}`, { cause: error });
    } finally {
      console.log = log;
    }
    return new FaceDetector(human, opts);
  }

  /**
   * Detects faces in one RGB24 frame; the frames of one detector should be consecutive.
   * `fresh` runs the box detector instead of following last frame's faces; `minSize` (pixels)
   * makes the box detector ignore smaller faces.
   */
  async detect(rgb: Uint8Array, width: number, height: number, options: { fresh?: boolean; minSize?: number } = {}): Promise<Detection[]> {
    const input = this.human.tf.tensor(rgb, [1, height, width, 3], 'int32');
    try {
      const perCall = { cacheSensitivity: options.fresh ? 0 : 1e9, face: { detector: { minSize: options.minSize ?? 0 } } };
      const result = await this.human.detect(input, perCall);
      if (result.error) throw new DvpError('INTERNAL', `the face detector failed: ${result.error}`);
      return result.face
        .filter((face) => face.mesh.length >= DETECTED_POINTS)
        .map((face) => {
          const points = new Float32Array(DETECTED_POINTS * 3);
          // The library leaves z in the mesh model's crop units; the crop is the face box.
          const zScale = Math.max(face.box[2], face.box[3]) / MESH_INPUT_SIZE;
          for (let i = 0; i < DETECTED_POINTS; i++) {
            const p = face.mesh[i]!;
            points[3 * i] = p[0]!;
            points[3 * i + 1] = p[1]!;
            points[3 * i + 2] = (p[2] ?? 0) * zScale;
          }
          return { points, box: face.box, score: face.score, boxScore: face.boxScore, detectorSize: Math.max(face.size[0], face.size[1]) };
        });
    } finally {
      input.dispose();
    }
  }
}
