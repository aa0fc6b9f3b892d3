/**
 * Renders a fixed synthetic scene and prints the SHA-256 of the nine float channels, so a
 * test can compare renders made in separate processes (`node --import tsx <this file>`).
 */
import { createHash } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { CHANNELS_PER_FRAME, ConditionRenderer, Region } from '../../src-main/engine/condition/frame-renderer.js';
import { project, sphere } from './synthetic.js';

export function renderHash(): string {
  const size = 80;
  const mesh = sphere([0.2, -0.1, 4.5], 1, 20, 30);
  const vertexCount = mesh.positions.length / 3;
  const regions = new Uint8Array(mesh.triangles.length / 3).map((_, t) => (t % 17 === 0 ? Region.LeftEye : t % 23 === 0 ? Region.Mouth : Region.Skin));
  const renderer = new ConditionRenderer({ vertexCount, triangles: mesh.triangles, uv: mesh.uv, regionOfTriangle: regions, frontFaceSign: -1 }, size, size);
  const colour = new Float32Array(3 * vertexCount).map((_, i) => ((i * 7919) % 1000) / 900);
  const out = new Float32Array(size * size * CHANNELS_PER_FRAME);
  const screen = project({ fx: 230.7, fy: 231.3, cx: 40.2, cy: 39.9 }, mesh.positions);
  renderer.render({ screen, colour, pupils: { left: { x: 45.3, y: 38.7, radius: 5.2 }, right: { x: 30.1, y: 41.6, radius: 5.2 } } }, out);
  return createHash('sha256').update(new Uint8Array(out.buffer)).digest('hex');
}

if (process.argv[1] === fileURLToPath(import.meta.url)) process.stdout.write(`${renderHash()}\n`);
