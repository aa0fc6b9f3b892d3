import {
  LIPS_LOWER_INNER,
  LIPS_UPPER_INNER,
  MESH_TRIANGLES,
  MESH_UV,
  TRIANGLE_KINDS,
  TriangleKind,
  VERTEX_COUNT,
} from '../face/topology.js';
import { Region, type ConditionTopology } from './frame-renderer.js';

/**
 * The mouth opening as a strip between the inner upper and inner lower lip margins (both run
 * from the subject's right corner to the left one and share the corners). A strip follows the
 * lips whatever their shape and collapses to nothing when the mouth closes, where a fan from
 * one corner would reach across the lips. Wound counter-clockwise on screen, like the mesh.
 */
export function mouthStrip(upper: readonly number[], lower: readonly number[]): number[] {
  const last = upper.length - 1;
  const out: number[] = [upper[0]!, lower[1]!, upper[1]!];
  for (let i = 1; i < last - 1; i++) out.push(upper[i]!, lower[i]!, upper[i + 1]!, upper[i + 1]!, lower[i]!, lower[i + 1]!);
  out.push(upper[last - 1]!, lower[last - 1]!, upper[last]!);
  return out;
}

function regionOf(kind: number): number {
  if (kind === TriangleKind.LeftEye) return Region.LeftEye;
  if (kind === TriangleKind.RightEye) return Region.RightEye;
  return Region.Skin;
}

/**
 * The MediaPipe face mesh as the renderer draws it: the 880 mesh triangles (those spanning
 * an eye opening labelled as that eye) plus the mouth opening, all in one depth test, so the
 * nose can hide part of an eye and the eye image only shows what the camera would see.
 */
export const FACE_CONDITION_TOPOLOGY: ConditionTopology = (() => {
  const mouth = mouthStrip(LIPS_UPPER_INNER, LIPS_LOWER_INNER);
  const triangles = new Uint16Array(MESH_TRIANGLES.length + mouth.length);
  triangles.set(MESH_TRIANGLES);
  triangles.set(mouth, MESH_TRIANGLES.length);
  const meshTriangleCount = MESH_TRIANGLES.length / 3;
  const regionOfTriangle = new Uint8Array(triangles.length / 3).fill(Region.Mouth);
  for (let t = 0; t < meshTriangleCount; t++) regionOfTriangle[t] = regionOf(TRIANGLE_KINDS[t]!);
  return { vertexCount: VERTEX_COUNT, triangles, uv: MESH_UV, regionOfTriangle, frontFaceSign: -1 };
})();
