/** Pastes a generated square (RGB, [−1, 1]) into a plate frame (RGB bytes), bilinearly scaled to the crop. */
export function compositeIntoPlate(plate: Uint8Array, plateWidth: number, crop: { x: number; y: number; size: number }, image: Float32Array, resolution: number): Uint8Array {
  const out = new Uint8Array(plate);
  const scale = resolution / crop.size;
  for (let y = 0; y < crop.size; y++) {
    const sy = Math.min(resolution - 1, Math.max(0, (y + 0.5) * scale - 0.5));
    const y0 = Math.floor(sy);
    const y1 = Math.min(resolution - 1, y0 + 1);
    const fy = sy - y0;
    for (let x = 0; x < crop.size; x++) {
      const sx = Math.min(resolution - 1, Math.max(0, (x + 0.5) * scale - 0.5));
      const x0 = Math.floor(sx);
      const x1 = Math.min(resolution - 1, x0 + 1);
      const fx = sx - x0;
      const o = ((crop.y + y) * plateWidth + crop.x + x) * 3;
      for (let c = 0; c < 3; c++) {
        const v = (1 - fy) * ((1 - fx) * image[(y0 * resolution + x0) * 3 + c]! + fx * image[(y0 * resolution + x1) * 3 + c]!)
          + fy * ((1 - fx) * image[(y1 * resolution + x0) * 3 + c]! + fx * image[(y1 * resolution + x1) * 3 + c]!);
        out[o + c] = Math.max(0, Math.min(255, Math.round((v + 1) * 127.5)));
      }
    }
  }
  return out;
}
