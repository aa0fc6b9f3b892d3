/**
 * The seam: mean absolute difference (8-bit levels, over pixels and channels) between the
 * network's picture and the plate on the mask's feathered edge, over every composited frame;
 * null when no frame was composited.
 */
export interface SeamSummary {
  /** As the network drew it. */
  levels: number | null;
  /** After the per-frame colour match (region composite; null where no ring could be fitted). */
  colourMatchedLevels: number | null;
  /** Whether the written frames were colour-matched. */
  colourMatch: boolean;
  /** Edge pixels measured, over all frames. */
  bandPixels: number;
}

/** Adds up the seam samples of a render. */
export class SeamMeter {
  private pixels = 0;
  private raw = 0;
  private matchedPixels = 0;
  private matched = 0;

  add(sample: { bandPixels: number; sumRaw: number; sumMatched: number; matched: boolean } | undefined): void {
    if (!sample) return;
    this.pixels += sample.bandPixels;
    this.raw += sample.sumRaw;
    if (sample.matched) {
      this.matchedPixels += sample.bandPixels;
      this.matched += sample.sumMatched;
    }
  }

  summary(colourMatch: boolean): SeamSummary {
    return {
      levels: this.pixels > 0 ? this.raw / (3 * this.pixels) : null,
      colourMatchedLevels: this.matchedPixels > 0 ? this.matched / (3 * this.matchedPixels) : null,
      colourMatch,
      bandPixels: this.pixels,
    };
  }
}
