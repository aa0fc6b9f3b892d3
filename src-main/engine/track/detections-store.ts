/**
 * Raw detections per frame in the project (`face_detections`), written as the detector
 * produces them so an interrupted run resumes where it stopped. `faces` BLOB: per face
 * Float32 [478 × 3 points, box x, y, w, h, score, boxScore]; `colours` BLOB: per face
 * 468 × 3 bytes sampled at the mesh points.
 */
import type { Project } from '../project/project.js';
import { VERTEX_COUNT } from '../face/topology.js';
import { blob } from '../face/store.js';
import { DETECTED_POINTS } from './detector.js';
import type { WorkerFace } from './detect-protocol.js';
import type { Box } from './subject.js';

const FACE_FLOATS = DETECTED_POINTS * 3 + 6;
const COLOUR_BYTES = VERTEX_COUNT * 3;

export type DetectionStatus = 'ok' | 'none' | 'corrupt';

export interface StoredFace {
  points: Float32Array;
  box: Box;
  score: number;
  boxScore: number;
  colours: Uint8Array;
}

export interface StoredDetection {
  frame: number;
  status: DetectionStatus;
  faces: StoredFace[];
}

export function detectedFrames(project: Project, clipId: number, start: number, end: number): Set<number> {
  const rows = project.db.prepare('SELECT frame FROM face_detections WHERE clip_id = ? AND frame >= ? AND frame <= ?').all(clipId, start, end) as { frame: number }[];
  return new Set(rows.map((r) => r.frame));
}

export class DetectionWriter {
  private readonly insert;
  private pending: { frame: number; status: DetectionStatus; faces: WorkerFace[] }[] = [];

  constructor(private readonly project: Project, private readonly clipId: number) {
    this.insert = project.db.prepare(
      'INSERT INTO face_detections (clip_id, frame, status, face_count, faces, colours) VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (clip_id, frame) DO UPDATE SET status = excluded.status, face_count = excluded.face_count, faces = excluded.faces, colours = excluded.colours',
    );
  }

  add(frame: number, status: DetectionStatus, faces: WorkerFace[] = []): void {
    this.pending.push({ frame, status, faces });
  }

  get pendingCount(): number {
    return this.pending.length;
  }

  flush(): void {
    if (this.pending.length === 0) return;
    const rows = this.pending;
    this.pending = [];
    this.project.transaction(() => {
      for (const row of rows) {
        if (row.faces.length === 0) {
          this.insert.run(this.clipId, row.frame, row.status, 0, null, null);
          continue;
        }
        const floats = new Float32Array(row.faces.length * FACE_FLOATS);
        const colours = new Uint8Array(row.faces.length * COLOUR_BYTES);
        row.faces.forEach((face, i) => {
          const o = i * FACE_FLOATS;
          floats.set(face.points, o);
          floats.set([...face.box, face.score, face.boxScore], o + DETECTED_POINTS * 3);
          colours.set(face.colours, i * COLOUR_BYTES);
        });
        this.insert.run(this.clipId, row.frame, 'ok', row.faces.length, blob(floats), blob(colours));
      }
    });
  }
}

export function loadDetections(project: Project, clipId: number): StoredDetection[] {
  const rows = project.db.prepare('SELECT frame, status, face_count, faces, colours FROM face_detections WHERE clip_id = ? ORDER BY frame').all(clipId) as {
    frame: number;
    status: DetectionStatus;
    face_count: number;
    faces: Buffer | null;
    colours: Buffer | null;
  }[];
  return rows.map((row) => {
    const faces: StoredFace[] = [];
    if (row.faces && row.colours) {
      const floats = new Float32Array(new Uint8Array(row.faces).buffer);
      const colours = new Uint8Array(row.colours);
      for (let i = 0; i < row.face_count; i++) {
        const o = i * FACE_FLOATS;
        const tail = floats.subarray(o + DETECTED_POINTS * 3, o + FACE_FLOATS);
        faces.push({
          points: floats.slice(o, o + DETECTED_POINTS * 3),
          box: [tail[0]!, tail[1]!, tail[2]!, tail[3]!],
          score: tail[4]!,
          boxScore: tail[5]!,
          colours: colours.slice(i * COLOUR_BYTES, (i + 1) * COLOUR_BYTES),
        });
      }
    }
    return { frame: row.frame, status: row.status, faces };
  });
}
