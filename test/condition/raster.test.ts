import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { rasterize, VisibilityBuffer } from '../../src-main/engine/condition/raster.js';
import { project, quad, sphere } from './synthetic.js';

/** A deterministic pseudo-random sequence (mulberry32). */
function random(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function coverageCount(buffer: VisibilityBuffer): number {
  let n = 0;
  for (const t of buffer.triangle) if (t >= 0) n++;
  return n;
}

describe('rasterize', () => {
  it('covers every pixel of a tiled plane exactly once (top-left rule), edges through pixel centres included', () => {
    const width = 48;
    const height = 40;
    const cells = 8;
    const next = random(7);
    // Vertices on a jittered lattice over [0, W] × [0, H]; inner ones land on pixel centres, on
    // pixel-centre lines or anywhere on the 1/256 grid, so many edges pass exactly through centres.
    const positions: number[] = [];
    for (let j = 0; j <= cells; j++) {
      for (let i = 0; i <= cells; i++) {
        let x = (i * width) / cells;
        let y = (j * height) / cells;
        if (i > 0 && i < cells && j > 0 && j < cells) {
          const kind = (i + 3 * j) % 3;
          if (kind === 0) {
            x = Math.floor(x) + 0.5;
            y = Math.floor(y) + 0.5;
          } else if (kind === 1) {
            x = Math.floor(x) + 0.5;
            y += Math.round((next() - 0.5) * 3 * 256) / 256;
          } else {
            x += Math.round((next() - 0.5) * 3 * 256) / 256;
            y += Math.round((next() - 0.5) * 3 * 256) / 256;
          }
        }
        positions.push(x, y, 1 + next());
      }
    }
    const triangles: number[] = [];
    for (let j = 0; j < cells; j++) {
      for (let i = 0; i < cells; i++) {
        const a = j * (cells + 1) + i;
        const b = a + 1;
        const c = a + cells + 1;
        const d = c + 1;
        if ((i + j) % 2 === 0) triangles.push(a, b, d, a, d, c);
        else triangles.push(a, b, c, b, d, c);
      }
    }
    const counts = new Uint8Array(width * height);
    const buffer = new VisibilityBuffer(width, height);
    const vertexData = Float32Array.from(positions);
    for (let t = 0; t < triangles.length; t += 3) {
      buffer.clear();
      rasterize(buffer, vertexData, Uint32Array.from(triangles.slice(t, t + 3)));
      for (let p = 0; p < counts.length; p++) if (buffer.triangle[p]! >= 0) counts[p]!++;
    }
    const wrong = [...counts].map((c, p) => [c, p] as const).filter(([c]) => c !== 1);
    assert.equal(wrong.length, 0, `pixels not covered exactly once: ${wrong.slice(0, 5).map(([c, p]) => `(${p % width},${Math.floor(p / width)})×${c}`).join(' ')}`);
  });

  it('covers exactly the pixel centres inside each triangle', () => {
    const width = 64;
    const height = 64;
    const next = random(11);
    const buffer = new VisibilityBuffer(width, height);
    for (let trial = 0; trial < 40; trial++) {
      const v = Array.from({ length: 6 }, () => Math.round((next() * 80 - 8) * 256) / 256);
      buffer.clear();
      rasterize(buffer, Float32Array.from([v[0]!, v[1]!, 2, v[2]!, v[3]!, 2, v[4]!, v[5]!, 2]), Uint32Array.from([0, 1, 2]));
      // The row spans are exactly the covered extent of each row.
      for (let y = 0; y < height; y++) {
        const covered = [...buffer.triangle.subarray(y * width, (y + 1) * width)].flatMap((t, x) => (t >= 0 ? [x] : []));
        assert.deepEqual([buffer.rowSpans[2 * y], buffer.rowSpans[2 * y + 1]], covered.length > 0 ? [covered[0], covered.at(-1)] : [width, -1]);
      }
      const edge = (ax: number, ay: number, bx: number, by: number, px: number, py: number): number => (bx - ax) * (py - ay) - (by - ay) * (px - ax);
      const area = edge(v[0]!, v[1]!, v[2]!, v[3]!, v[4]!, v[5]!);
      for (let y = 0; y < height; y++) {
        for (let x = 0; x < width; x++) {
          const px = x + 0.5;
          const py = y + 0.5;
          const e = [edge(v[2]!, v[3]!, v[4]!, v[5]!, px, py), edge(v[4]!, v[5]!, v[0]!, v[1]!, px, py), edge(v[0]!, v[1]!, v[2]!, v[3]!, px, py)].map((e) => e * Math.sign(area));
          const covered = buffer.triangle[y * width + x]! >= 0;
          if (e.every((k) => k > 0)) assert.ok(covered, `trial ${trial}: centre (${px},${py}) is inside but not covered`);
          if (e.some((k) => k < 0)) assert.ok(!covered, `trial ${trial}: centre (${px},${py}) is outside but covered`);
        }
      }
    }
  });

  it('interpolates perspective-correctly: weights reproduce the 3D point seen through each pixel of a tilted plane', () => {
    const camera = { fx: 60, fy: 60, cx: 32, cy: 32 };
    // A plane strongly tilted in depth: z from 1 (left) to 5 (right).
    const corners: [number, number, number][] = [[-0.5, -0.5, 1], [4, -2.5, 5], [4, 2.5, 5], [-0.5, 0.5, 1]];
    const mesh = quad(corners);
    const screen = project(camera, mesh.positions);
    const buffer = new VisibilityBuffer(64, 64);
    rasterize(buffer, screen, mesh.triangles);
    let checked = 0;
    let worst = 0;
    for (let y = 0; y < 64; y++) {
      for (let x = 0; x < 64; x++) {
        const p = y * 64 + x;
        const t = buffer.triangle[p]!;
        if (t < 0) continue;
        const idx = [mesh.triangles[3 * t]!, mesh.triangles[3 * t + 1]!, mesh.triangles[3 * t + 2]!];
        const w = [1 - buffer.weight1[p]! - buffer.weight2[p]!, buffer.weight1[p]!, buffer.weight2[p]!];
        const point = [0, 1, 2].map((axis) => w.reduce((s, wi, k) => s + wi * mesh.positions[3 * idx[k]! + axis]!, 0));
        // The interpolated point must lie on the ray through the pixel centre…
        const u = camera.fx * (point[0]! / point[2]!) + camera.cx;
        const v = camera.fy * (point[1]! / point[2]!) + camera.cy;
        worst = Math.max(worst, Math.hypot(u - (x + 0.5), v - (y + 0.5)));
        // …and its depth must be the one stored in the depth buffer.
        assert.ok(Math.abs(1 / point[2]! - buffer.inverseDepth[p]!) < 1e-5);
        checked++;
      }
    }
    assert.ok(checked > 500, `only ${checked} pixels covered`);
    // 1/256-pixel vertex snapping bounds the error; affine (non-perspective) interpolation would be off by pixels.
    assert.ok(worst < 0.02, `worst reprojection error ${worst} px`);
  });

  it('keeps the nearest surface whatever the drawing order', () => {
    const near = [10, 10, 2, 50, 10, 2, 10, 50, 2];
    const far = [5, 5, 3, 60, 5, 3, 5, 60, 3];
    const positions = Float32Array.from([...near, ...far]);
    const a = new VisibilityBuffer(64, 64);
    const b = new VisibilityBuffer(64, 64);
    rasterize(a, positions, Uint32Array.from([0, 1, 2, 3, 4, 5]));
    rasterize(b, positions, Uint32Array.from([3, 4, 5, 0, 1, 2]));
    const inNear = 20 * 64 + 20;
    const onlyFar = 56 * 64 + 6;
    assert.equal(a.triangle[inNear], 0);
    assert.equal(b.triangle[inNear], 1);
    assert.equal(a.triangle[onlyFar], 1);
    assert.equal(b.triangle[onlyFar], 0);
    assert.ok(Math.abs(a.inverseDepth[inNear]! - 0.5) < 1e-12);
  });

  it('culls the faces turned away from the camera and skips triangles behind it', () => {
    const positions = Float32Array.from([10, 10, 2, 40, 10, 2, 10, 40, 2]);
    const buffer = new VisibilityBuffer(64, 64);
    rasterize(buffer, positions, Uint32Array.from([0, 1, 2]), { frontFaceSign: -1 });
    assert.equal(coverageCount(buffer), 0);
    rasterize(buffer, positions, Uint32Array.from([0, 2, 1]), { frontFaceSign: -1 });
    assert.ok(coverageCount(buffer) > 300);
    buffer.clear();
    rasterize(buffer, Float32Array.from([10, 10, -2, 40, 10, 2, 10, 40, 2]), Uint32Array.from([0, 1, 2]));
    assert.equal(coverageCount(buffer), 0);
  });

  it('draws a sphere whose outline is the exact projected outline', () => {
    const camera = { fx: 200, fy: 200, cx: 64, cy: 64 };
    const centre: [number, number, number] = [0.1, -0.05, 4];
    const radius = 1;
    const mesh = sphere(centre, radius, 48, 64);
    const buffer = new VisibilityBuffer(128, 128);
    rasterize(buffer, project(camera, mesh.positions), mesh.triangles, { frontFaceSign: -1 });
    // A pixel's ray hits the sphere iff its angle to the centre direction is below asin(R/|c|);
    // compare in pixels by scaling the angular margin with the focal length.
    const d = Math.hypot(...centre);
    const halfAngle = Math.asin(radius / d);
    let mismatches = 0;
    let area = 0;
    for (let y = 0; y < 128; y++) {
      for (let x = 0; x < 128; x++) {
        const rx = (x + 0.5 - camera.cx) / camera.fx;
        const ry = (y + 0.5 - camera.cy) / camera.fy;
        const cos = (rx * centre[0] + ry * centre[1] + centre[2]) / (Math.hypot(rx, ry, 1) * d);
        const marginPx = (halfAngle - Math.acos(Math.min(1, cos))) * camera.fx;
        const covered = buffer.triangle[y * 128 + x]! >= 0;
        // The 48×64 tessellation lies within 0.07 px of the true sphere's outline.
        if (Math.abs(marginPx) > 0.1 && covered !== marginPx > 0) mismatches++;
        if (covered) area++;
      }
    }
    const apparent = camera.fx * Math.tan(halfAngle);
    assert.equal(mismatches, 0, `${mismatches} pixels further than 0.1 px from the outline disagree`);
    assert.ok(Math.abs(area - Math.PI * apparent * apparent) < 2 * Math.PI * apparent * 0.1);
  });
});
