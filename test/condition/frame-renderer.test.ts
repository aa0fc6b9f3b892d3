import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { describe, it } from 'node:test';
import { CHANNELS_PER_FRAME, ConditionRenderer, Region, type ConditionFace, type ConditionTopology } from '../../src-main/engine/condition/frame-renderer.js';
import { REPO_ROOT } from '../helpers/paths.js';
import { renderHash } from './render-hash.js';
import { project, sphere } from './synthetic.js';

const SIZE = 96;
const camera = { fx: 260, fy: 260, cx: SIZE / 2, cy: SIZE / 2 };
const centre: [number, number, number] = [0, 0, 7];
const RADIUS = 1;
const mesh = sphere(centre, RADIUS, 32, 48);
const screen = project(camera, mesh.positions);
const vertexCount = mesh.positions.length / 3;
const triangleCount = mesh.triangles.length / 3;

/** Triangles whose centroid lies within `cone` radians of the point of the sphere nearest the camera, shifted by (dx, dy). */
function patch(dx: number, dy: number, cone: number): number[] {
  const ids: number[] = [];
  for (let t = 0; t < triangleCount; t++) {
    let x = 0;
    let y = 0;
    let z = 0;
    for (let k = 0; k < 3; k++) {
      const v = 3 * mesh.triangles[3 * t + k]!;
      x += mesh.positions[v]! / 3;
      y += mesh.positions[v + 1]! / 3;
      z += mesh.positions[v + 2]! / 3;
    }
    const n = [x - centre[0], y - centre[1], z - centre[2]];
    const target = [Math.sin(dx), Math.sin(dy), -Math.cos(Math.hypot(dx, dy))];
    const cos = (n[0]! * target[0]! + n[1]! * target[1]! + n[2]! * target[2]!) / (Math.hypot(...n) * Math.hypot(...target));
    if (Math.acos(cos) < cone) ids.push(t);
  }
  return ids;
}

const leftEyePatch = patch(0.35, -0.1, 0.3);

function topology(regions = new Uint8Array(triangleCount)): ConditionTopology {
  return { vertexCount, triangles: mesh.triangles, uv: mesh.uv, regionOfTriangle: regions, frontFaceSign: -1 };
}

function eyeTopology(): ConditionTopology {
  const regions = new Uint8Array(triangleCount);
  for (const t of leftEyePatch) regions[t] = Region.LeftEye;
  return topology(regions);
}

function face(colour: number[] | Float32Array, pupilX = 0, pupilY = 0, positions = screen): ConditionFace {
  const colours = colour instanceof Float32Array ? colour : new Float32Array(3 * vertexCount).map((_, i) => colour[i % 3]!);
  return { screen: positions, colour: colours, pupils: { left: { x: pupilX, y: pupilY, radius: 4 }, right: { x: -100, y: -100, radius: 4 } } };
}

function pixel(out: Float32Array, x: number, y: number): number[] {
  const o = (y * SIZE + x) * CHANNELS_PER_FRAME;
  return Array.from(out.subarray(o, o + CHANNELS_PER_FRAME));
}

describe('ConditionRenderer', () => {
  it('draws albedo × shading inside the face, clamped, and −1 in every channel outside', () => {
    const renderer = new ConditionRenderer(topology(), SIZE, SIZE);
    const out = new Float32Array(SIZE * SIZE * CHANNELS_PER_FRAME);
    renderer.render(face([0.25, 0.5, 1.7]), out);
    let inside = 0;
    for (let y = 0; y < SIZE; y++) {
      for (let x = 0; x < SIZE; x++) {
        const v = pixel(out, x, y);
        if (renderer.visibility.triangle[y * SIZE + x]! < 0) {
          assert.deepEqual(v, Array(9).fill(-1), `background pixel (${x},${y})`);
        } else {
          inside++;
          assert.ok(Math.abs(v[0]! - -0.5) < 1e-6 && Math.abs(v[1]! - 0) < 1e-6 && v[2] === 1, `colour at (${x},${y}) is ${v.slice(0, 3)}`);
          assert.equal(v[5], 1, 'skin is marked in the correspondence blue channel');
          assert.deepEqual(v.slice(6), [-1, -1, -1], 'no eye outside the eye openings');
        }
      }
    }
    // Apparent radius of the sphere: f·R/√(d² − R²) ≈ 37.5 px.
    const apparent = (camera.fx * RADIUS) / Math.sqrt(49 - 1);
    assert.ok(Math.abs(inside - Math.PI * apparent * apparent) < 2 * Math.PI * apparent, `${inside} face pixels`);
  });

  it('gives every pixel the correspondence colour of the surface point that projects into it', () => {
    const renderer = new ConditionRenderer(topology(), SIZE, SIZE);
    const out = new Float32Array(SIZE * SIZE * CHANNELS_PER_FRAME);
    renderer.render(face([0.5, 0.5, 0.5]), out);
    let checked = 0;
    let worst = 0;
    for (let y = 0; y < SIZE; y++) {
      for (let x = 0; x < SIZE; x++) {
        if (renderer.visibility.triangle[y * SIZE + x]! < 0) continue;
        const v = pixel(out, x, y);
        // Decode (u, v) → the sphere point with that longitude and latitude → project it.
        const phi = ((v[3]! + 1) / 2) * 2 * Math.PI;
        const theta = ((v[4]! + 1) / 2) * Math.PI;
        const px = centre[0] + RADIUS * Math.sin(theta) * Math.cos(phi);
        const py = centre[1] - RADIUS * Math.cos(theta);
        const pz = centre[2] + RADIUS * Math.sin(theta) * Math.sin(phi);
        const u = camera.fx * (px / pz) + camera.cx;
        const w = camera.fy * (py / pz) + camera.cy;
        // Away from the silhouette (where the tessellation's flat facets matter most).
        if (Math.hypot(x + 0.5 - camera.cx, y + 0.5 - camera.cy) > 30) continue;
        worst = Math.max(worst, Math.hypot(u - (x + 0.5), w - (y + 0.5)));
        checked++;
      }
    }
    assert.ok(checked > 2000, `${checked} pixels checked`);
    assert.ok(worst < 0.75, `a decoded surface point lands ${worst.toFixed(3)} px from its pixel`);
  });

  it('draws the eye opening white with a blue pupil disc that follows the gaze, and nothing when the lid is closed', () => {
    const renderer = new ConditionRenderer(eyeTopology(), SIZE, SIZE);
    const out = new Float32Array(SIZE * SIZE * CHANNELS_PER_FRAME);
    const eyePixels = (): { white: number; blue: number; cx: number } => {
      let white = 0;
      let blue = 0;
      let sx = 0;
      for (let y = 0; y < SIZE; y++) {
        for (let x = 0; x < SIZE; x++) {
          const [r, g, b] = pixel(out, x, y).slice(6);
          if (r === 1 && g === 1 && b === 1) white++;
          if (r === -1 && g === -1 && b === 1) {
            blue++;
            sx += x + 0.5;
          }
          if (b === -1) assert.ok(r === -1 && g === -1, 'outside the eye is black');
        }
      }
      return { white, blue, cx: sx / Math.max(1, blue) };
    };
    // Find the opening's centre from an empty render.
    renderer.render(face([0.5, 0.5, 0.5], -100, -100), out);
    let ex = 0;
    let ey = 0;
    let count = 0;
    for (let p = 0; p < SIZE * SIZE; p++) {
      const t = renderer.visibility.triangle[p]!;
      if (t >= 0 && renderer.topology.regionOfTriangle[t] === Region.LeftEye) {
        ex += (p % SIZE) + 0.5;
        ey += Math.floor(p / SIZE) + 0.5;
        count++;
      }
    }
    ex /= count;
    ey /= count;
    const open = eyePixels();
    assert.equal(open.blue, 0);
    assert.equal(open.white, count, 'the whole visible opening is white');
    assert.ok(count > 150, `the eye opening covers ${count} pixels`);
    // The opening is black in the colour image and unmarked in the correspondence blue channel.
    const inEye = pixel(out, Math.floor(ex), Math.floor(ey));
    assert.deepEqual([inEye[0], inEye[1], inEye[2], inEye[5]], [-1, -1, -1, -1]);

    renderer.render(face([0.5, 0.5, 0.5], ex - 3, ey), out);
    const lookingLeft = eyePixels();
    renderer.render(face([0.5, 0.5, 0.5], ex + 3, ey), out);
    const lookingRight = eyePixels();
    assert.ok(lookingLeft.blue >= 30 && lookingRight.blue >= 30, `pupils of ${lookingLeft.blue} and ${lookingRight.blue} px`);
    assert.ok(Math.abs(lookingRight.cx - lookingLeft.cx - 6) < 0.5, `the pupil moved ${lookingRight.cx - lookingLeft.cx} px for a 6 px gaze shift`);
    assert.ok(lookingLeft.white < open.white - 30);

    // Close the lid: collapse the opening's vertices onto its centre line (as a blink does).
    const closed = new Float32Array(screen);
    const eyeVertices = new Set(leftEyePatch.flatMap((t) => [0, 1, 2].map((k) => mesh.triangles[3 * t + k]!)));
    for (const v of eyeVertices) closed[3 * v + 1] = ey;
    renderer.render(face([0.5, 0.5, 0.5], ex, ey, closed), out);
    const shut = eyePixels();
    assert.equal(shut.white + shut.blue, 0, 'a closed lid leaves no white and no pupil');
  });

  it('is bit-identical on a re-run in another process', () => {
    const here = renderHash();
    assert.equal(renderHash(), here);
    const child = execFileSync(process.execPath, ['--import', 'tsx', 'test/condition/render-hash.ts'], { cwd: REPO_ROOT, encoding: 'utf8' });
    assert.equal(child.trim(), here);
  });
});
