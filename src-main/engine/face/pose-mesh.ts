/**
 * The one place that turns a clip's face model and one frame's parameters into geometry:
 * the posed 468-vertex mesh in image pixels with depth, normals, per-vertex albedo and SH
 * shading, the triangles to draw, and the eye geometry (lid opening and iris) for the eye image.
 * The conditioning renderer, the tracker's overlay and its error metrics all use it.
 */
import { blinkBasisFor } from './blink.js';
import { EXPRESSION_DIM, type FaceModel, type FrameParams } from './model.js';
import { rotationMatrix } from './rotation.js';
import { shade } from './sh.js';
import { LEFT_EYE_RING, MESH_TRIANGLES, MOUTH_TRIANGLES, RIGHT_EYE_RING, SKIN_TRIANGLES, TRIANGLE_KINDS, TriangleKind, VERTEX_COUNT } from './topology.js';

export interface EyeGeometry {
  /** Eye opening (lid margins) as a closed polygon in image pixels: x, y pairs. Closes with the eyelid. */
  ring: Float32Array;
  /** Mesh vertex index of each ring point. */
  ringVertices: readonly number[];
  /** Iris centre in image pixels, and its camera depth (mm). */
  irisCentre: [number, number];
  irisDepth: number;
  /** Projected iris radius in pixels. */
  irisRadiusPx: number;
  /** Eyeball centre and gaze direction (unit) in camera space. */
  eyeballCentre: [number, number, number];
  gazeDirection: [number, number, number];
  /** Eyelid closure parameter of this frame (0 neutral, 1 closed). */
  closure: number;
}

export interface PosedMesh {
  width: number;
  height: number;
  /** VERTEX_COUNT × 3: x, y in image pixels and z = camera depth in mm (larger is farther). */
  vertices: Float32Array;
  /** VERTEX_COUNT × 3 camera-space positions (mm). */
  cameraVertices: Float32Array;
  /** VERTEX_COUNT × 3 unit normals in camera space, pointing out of the face. */
  normals: Float32Array;
  /** VERTEX_COUNT × 3 diffuse reflectance (the clip's albedo, not a copy). */
  albedo: Float32Array;
  /** VERTEX_COUNT × 3 SH irradiance at each vertex. */
  shading: Float32Array;
  /** VERTEX_COUNT × 3 diffuse colour = albedo × shading, comparable to the frame's RGB / 255 (may exceed 1). */
  colour: Float32Array;
  /** The 27 SH coefficients used (3·k + channel). */
  sh: Float32Array;
  /** Skin triangles (eye openings excluded), counter-clockwise on screen when facing the camera. */
  triangles: Uint16Array;
  /** Triangles filling each eye opening (same vertices as the lid rings). */
  leftEyeTriangles: Uint16Array;
  rightEyeTriangles: Uint16Array;
  /** Triangles filling the mouth opening (inner lip margin): the mouth interior. */
  mouthTriangles: Uint16Array;
  eyes: { left: EyeGeometry; right: EyeGeometry };
}

function trianglesOfKind(kind: number): Uint16Array {
  const out: number[] = [];
  for (let t = 0; t < TRIANGLE_KINDS.length; t++) {
    if (TRIANGLE_KINDS[t] === kind) out.push(MESH_TRIANGLES[3 * t]!, MESH_TRIANGLES[3 * t + 1]!, MESH_TRIANGLES[3 * t + 2]!);
  }
  return Uint16Array.from(out);
}

const LEFT_EYE_TRIANGLES = trianglesOfKind(TriangleKind.LeftEye);
const RIGHT_EYE_TRIANGLES = trianglesOfKind(TriangleKind.RightEye);

/** Model-space shape for one frame: neutral + eyelid closure + expression. */
export function deformedShape(model: FaceModel, params: FrameParams, out = new Float32Array(VERTEX_COUNT * 3)): Float32Array {
  const { identity, basis } = model;
  out.set(identity.neutralShape);
  const [blinkLeft, blinkRight] = blinkBasisFor(identity.neutralShape);
  const cl = params.eyelids[0]!;
  const cr = params.eyelids[1]!;
  if (cl !== 0 || cr !== 0) {
    for (let i = 0; i < out.length; i++) out[i] = out[i]! + cl * blinkLeft[i]! + cr * blinkRight[i]!;
  }
  const n = VERTEX_COUNT * 3;
  const count = Math.min(basis.activeCount, EXPRESSION_DIM);
  for (let k = 0; k < count; k++) {
    const w = params.expression[k]!;
    if (w === 0) continue;
    const base = k * n;
    const comps = basis.components;
    for (let i = 0; i < n; i++) out[i] = out[i]! + w * comps[base + i]!;
  }
  return out;
}

/** Model space → camera space (R·X + t) for every vertex. */
export function toCamera(shape: Float32Array, params: FrameParams, out = new Float32Array(shape.length)): Float32Array {
  const R = rotationMatrix(params.rotation[0]!, params.rotation[1]!, params.rotation[2]!);
  const tx = params.translation[0]!, ty = params.translation[1]!, tz = params.translation[2]!;
  for (let i = 0; i < shape.length; i += 3) {
    const x = shape[i]!, y = shape[i + 1]!, z = shape[i + 2]!;
    out[i] = R[0]! * x + R[1]! * y + R[2]! * z + tx;
    out[i + 1] = R[3]! * x + R[4]! * y + R[5]! * z + ty;
    out[i + 2] = R[6]! * x + R[7]! * y + R[8]! * z + tz;
  }
  return out;
}

/** Gaze direction in model space for the Euler gaze angles of one eye. */
export function gazeDirectionModel(yaw: number, pitch: number): [number, number, number] {
  const cp = Math.cos(pitch);
  return [-Math.sin(yaw) * cp, -Math.sin(pitch), -Math.cos(yaw) * cp];
}

function vertexNormals(cam: Float32Array): Float32Array {
  const normals = new Float32Array(cam.length);
  for (let t = 0; t < MESH_TRIANGLES.length; t += 3) {
    const a = 3 * MESH_TRIANGLES[t]!, b = 3 * MESH_TRIANGLES[t + 1]!, c = 3 * MESH_TRIANGLES[t + 2]!;
    const ux = cam[b]! - cam[a]!, uy = cam[b + 1]! - cam[a + 1]!, uz = cam[b + 2]! - cam[a + 2]!;
    const vx = cam[c]! - cam[a]!, vy = cam[c + 1]! - cam[a + 1]!, vz = cam[c + 2]! - cam[a + 2]!;
    // Counter-clockwise on screen with y down: u × v points towards the camera (out of the face).
    const nx = uy * vz - uz * vy, ny = uz * vx - ux * vz, nz = ux * vy - uy * vx;
    for (const v of [a, b, c]) {
      normals[v] = normals[v]! + nx;
      normals[v + 1] = normals[v + 1]! + ny;
      normals[v + 2] = normals[v + 2]! + nz;
    }
  }
  for (let i = 0; i < normals.length; i += 3) {
    const len = Math.hypot(normals[i]!, normals[i + 1]!, normals[i + 2]!) || 1;
    normals[i] = normals[i]! / len;
    normals[i + 1] = normals[i + 1]! / len;
    normals[i + 2] = normals[i + 2]! / len;
  }
  return normals;
}

function eyeGeometry(model: FaceModel, params: FrameParams, eye: 0 | 1, vertices: Float32Array, R: Float64Array): EyeGeometry {
  const { identity } = model;
  const { fx, fy, cx, cy } = identity.intrinsics;
  const ringVertices = eye === 0 ? LEFT_EYE_RING : RIGHT_EYE_RING;
  const ring = new Float32Array(ringVertices.length * 2);
  ringVertices.forEach((v, i) => {
    ring[2 * i] = vertices[3 * v]!;
    ring[2 * i + 1] = vertices[3 * v + 1]!;
  });
  const c = identity.eyeballCentres.subarray(3 * eye, 3 * eye + 3);
  const t = params.translation;
  const centre: [number, number, number] = [
    R[0]! * c[0]! + R[1]! * c[1]! + R[2]! * c[2]! + t[0]!,
    R[3]! * c[0]! + R[4]! * c[1]! + R[5]! * c[2]! + t[1]!,
    R[6]! * c[0]! + R[7]! * c[1]! + R[8]! * c[2]! + t[2]!,
  ];
  const d = gazeDirectionModel(params.gaze[2 * eye]!, params.gaze[2 * eye + 1]!);
  const dir: [number, number, number] = [
    R[0]! * d[0] + R[1]! * d[1] + R[2]! * d[2],
    R[3]! * d[0] + R[4]! * d[1] + R[5]! * d[2],
    R[6]! * d[0] + R[7]! * d[1] + R[8]! * d[2],
  ];
  const r = identity.eyeballRadius;
  const ix = centre[0] + r * dir[0], iy = centre[1] + r * dir[1], iz = centre[2] + r * dir[2];
  return {
    ring,
    ringVertices,
    irisCentre: [(fx * ix) / iz + cx, (fy * iy) / iz + cy],
    irisDepth: iz,
    irisRadiusPx: (fx * identity.irisRadius) / iz,
    eyeballCentre: centre,
    gazeDirection: dir,
    closure: params.eyelids[eye]!,
  };
}

/** Poses the clip's face model under one frame's parameters. */
export function poseMesh(model: FaceModel, params: FrameParams): PosedMesh {
  const { identity } = model;
  const { fx, fy, cx, cy, width, height } = identity.intrinsics;
  const shape = deformedShape(model, params);
  const cameraVertices = toCamera(shape, params);
  const vertices = new Float32Array(VERTEX_COUNT * 3);
  for (let i = 0; i < cameraVertices.length; i += 3) {
    const z = cameraVertices[i + 2]!;
    vertices[i] = (fx * cameraVertices[i]!) / z + cx;
    vertices[i + 1] = (fy * cameraVertices[i + 1]!) / z + cy;
    vertices[i + 2] = z;
  }
  const normals = vertexNormals(cameraVertices);
  const shading = new Float32Array(VERTEX_COUNT * 3);
  const colour = new Float32Array(VERTEX_COUNT * 3);
  for (let i = 0; i < shading.length; i += 3) {
    shade(params.sh, normals[i]!, normals[i + 1]!, normals[i + 2]!, shading, i);
    colour[i] = identity.albedo[i]! * shading[i]!;
    colour[i + 1] = identity.albedo[i + 1]! * shading[i + 1]!;
    colour[i + 2] = identity.albedo[i + 2]! * shading[i + 2]!;
  }
  const R = rotationMatrix(params.rotation[0]!, params.rotation[1]!, params.rotation[2]!);
  return {
    width,
    height,
    vertices,
    cameraVertices,
    normals,
    albedo: identity.albedo,
    shading,
    colour,
    sh: params.sh,
    triangles: SKIN_TRIANGLES,
    leftEyeTriangles: LEFT_EYE_TRIANGLES,
    rightEyeTriangles: RIGHT_EYE_TRIANGLES,
    mouthTriangles: MOUTH_TRIANGLES,
    eyes: { left: eyeGeometry(model, params, 0, vertices, R), right: eyeGeometry(model, params, 1, vertices, R) },
  };
}
