/** Stats of image/video features, accumulated frame by frame. */
import { histogramQuantiles } from "./histogram.js";
import type { CompleteFeatureStats } from "./types.js";

/**
 * Accumulates per-channel stats of RGB uint8 frames (height x width x 3, row-major) in constant
 * memory: an exact 256-bin count per channel of the pixels LeRobot would sample after its
 * downsampling (every f-th row and column when max(width, height) >= 300). Unlike LeRobot, which
 * samples ~100 frames per episode, every pushed frame is counted.
 */
export class ImageStatsAccumulator {
  readonly width: number;
  readonly height: number;
  /** Row/column stride of the downsampling (1 = full image). */
  readonly stride: number;
  /** counts[c * 256 + v]: how many sampled pixels have value v in channel c. */
  private readonly counts = new Float64Array(3 * 256);
  private nFrames = 0;

  constructor(width: number, height: number) {
    if (!Number.isInteger(width) || !Number.isInteger(height) || width < 1 || height < 1) {
      throw new Error(`ImageStatsAccumulator: invalid size ${width}x${height}`);
    }
    this.width = width;
    this.height = height;
    this.stride = Math.max(width, height) < 300 ? 1 : Math.floor((width > height ? width : height) / 150);
  }

  /** Adds one frame: width * height * 3 bytes, RGB interleaved, rows top to bottom. */
  push(rgb: Uint8Array): void {
    const { width, height, stride, counts } = this;
    if (rgb.length !== width * height * 3) {
      throw new Error(`ImageStatsAccumulator: frame has ${rgb.length} bytes, expected ${width * height * 3} (${width}x${height}x3)`);
    }
    const rowBytes = width * 3;
    const step = stride * 3;
    for (let y = 0; y < height; y += stride) {
      const rowEnd = y * rowBytes + rowBytes;
      for (let p = y * rowBytes; p < rowEnd; p += step) {
        counts[rgb[p]!]!++;
        counts[256 + rgb[p + 1]!]!++;
        counts[512 + rgb[p + 2]!]!++;
      }
    }
    this.nFrames++;
  }

  /** Frames pushed so far. */
  get frames(): number {
    return this.nFrames;
  }

  /** Stats with values scaled to [0, 1], each of shape (3, 1, 1); count = [frames pushed]. */
  result(): CompleteFeatureStats {
    if (this.nFrames === 0) throw new Error("ImageStatsAccumulator: no frames pushed");
    const levels = new Float64Array(256);
    for (let v = 0; v < 256; v++) levels[v] = v / 255;
    const per: number[][] = [];
    for (let c = 0; c < 3; c++) {
      const hist = this.counts.subarray(c * 256, c * 256 + 256);
      let total = 0;
      let sum = 0;
      let lo = -1;
      let hi = -1;
      for (let v = 0; v < 256; v++) {
        const k = hist[v]!;
        if (k === 0) continue;
        if (lo < 0) lo = v;
        hi = v;
        total += k;
        sum += k * v;
      }
      const meanV = sum / total;
      let sq = 0;
      for (let v = lo; v <= hi; v++) {
        const d = v - meanV;
        sq += hist[v]! * d * d;
      }
      const min = lo / 255;
      const max = hi / 255;
      const mean = meanV / 255;
      const std = Math.sqrt(sq / total) / 255;
      // LeRobot's sample unit for images is one pixel, so the histogram is skipped only below 2 pixels.
      const qs = total < 2 ? [mean, mean, mean, mean, mean] : histogramQuantiles(levels, hist, min, max, total);
      per.push([min, max, mean, std, ...qs]);
    }
    const pick = (k: number): number[][][] => per.map((s) => [[s[k]!]]);
    return {
      min: pick(0),
      max: pick(1),
      mean: pick(2),
      std: pick(3),
      count: [this.nFrames],
      q01: pick(4),
      q10: pick(5),
      q50: pick(6),
      q90: pick(7),
      q99: pick(8),
    };
  }
}
