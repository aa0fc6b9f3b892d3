/** Sample strips of the plate-quality benchmark: per held-out pair, what the network was given, what it drew, and the truth. */
import path from 'node:path';
import { writePng } from '../src-main/engine/media/png.js';
import type { DataSplit, TrainingSource } from '../src-main/engine/translate/dataset.js';
import { synthesize } from '../src-main/engine/translate/inference.js';
import type { TranslationModel } from '../src-main/engine/translate/model.js';
import { FACE_PARAMETER_GROUPS, NearestNeighbour, poseOnlyGroups } from '../src-main/engine/translate/nearest-neighbour.js';
import { plateImage, strip } from '../src-main/engine/translate/preview.js';
import { shiftedPairs } from '../src-main/engine/translate/time-shifted.js';

/**
 * One PNG per held-out pair (k = 25): the plate t, the warped plate, the plate model's output, the
 * paper model's (at the same resolution), the nearest neighbour's real frame and the truth t+k.
 */
export async function writeStrips(
  samplesDir: string,
  clip: string,
  plate: { network: TranslationModel; source: TrainingSource; split: DataSplit },
  paper: { network: TranslationModel; source: TrainingSource } | undefined,
): Promise<void> {
  const { source, split } = plate;
  const r = source.resolution;
  const neighbours = new NearestNeighbour(source, split.train, poseOnlyGroups(FACE_PARAMETER_GROUPS));
  for (const pair of shiftedPairs(source, split.heldOut, 25, 3)) {
    const example = await source.sampleWithPlate!(pair.target, pair.plate);
    const [plateOutput] = synthesize(plate.network.generator, [example.input]);
    const images = [source.target(pair.plate), plateImage(example.input, r), plateOutput!];
    if (paper && paper.source.resolution === r) {
      const [paperOutput] = synthesize(paper.network.generator, [(await paper.source.sample(pair.target)).input]);
      images.push(paperOutput!);
    }
    images.push(source.target(neighbours.nearest(source.parameters(pair.target))), example.target);
    writePng(path.join(samplesDir, `${clip}-${source.frame(pair.target)}.png`), strip(images, r));
  }
}
