/**
 * Camera stats computed from an episode's frames, for v2.0 sources that carry none: the frames
 * LeRobot samples (compute_stats.py sample_indices, checked against numpy's values), from an mp4
 * decoded by real ffmpeg or from the PNGs of an image feature. Expected stats are computed here
 * per channel from the frames themselves.
 */
import fs from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DatasetError } from "../../src/errors.js";
import { openDataset } from "../../src/dataset/reader.js";
import { findFfmpeg } from "../../src/system/ffmpeg.js";
import { imageEpisodeStats, sampleIndices, videoEpisodeStats } from "../../src/edit/camera-stats.js";
import { barcodeFrame } from "../helpers/barcode.js";
import { tempDir, writeSynthetic } from "../helpers/synthetic.js";

const W = 96;
const H = 64;
/** A long episode (120 frames: LeRobot samples 100 of them) and a short one (every frame sampled). */
const LENGTHS = [120, 6];
const FRONT = "observation.images.front";

/** Per channel min, max and mean of RGB frames, scaled to [0, 1]. */
function channelStats(frames: Uint8Array[]): { min: number[]; max: number[]; mean: number[] } {
  const min = [255, 255, 255];
  const max = [0, 0, 0];
  const sum = [0, 0, 0];
  for (const frame of frames) {
    for (let p = 0; p < frame.length; p++) {
      const c = p % 3;
      const v = frame[p]!;
      min[c] = Math.min(min[c]!, v);
      max[c] = Math.max(max[c]!, v);
      sum[c]! += v;
    }
  }
  const pixels = (frames.length * frames[0]!.length) / 3;
  return { min: min.map((v) => v / 255), max: max.map((v) => v / 255), mean: sum.map((s) => s / pixels / 255) };
}

function expectStatsOf(stats: { min: unknown; max: unknown; mean: unknown; count: unknown }, frames: Uint8Array[]): void {
  const expected = channelStats(frames);
  const flat = (v: unknown) => (v as number[][][]).flat(2);
  expect(stats.count).toEqual([frames.length]);
  expect(flat(stats.min)).toEqual(expected.min);
  expect(flat(stats.max)).toEqual(expected.max);
  flat(stats.mean).forEach((m, c) => expect(m, `mean of channel ${c}`).toBeCloseTo(expected.mean[c]!, 10));
}

describe("sampleIndices", () => {
  it("samples every frame of an episode of up to 100 frames", () => {
    expect(sampleIndices(1)).toEqual([0]);
    expect(sampleIndices(3)).toEqual([0, 1, 2]);
    expect(sampleIndices(100)).toEqual(Array.from({ length: 100 }, (_, i) => i));
  });

  it("samples max(100, length^0.75) frames evenly, first and last included, as numpy's linspace and round do", () => {
    // np.round(np.linspace(0, 999, 177)): 1000^0.75 = 177.8.
    const thousand = sampleIndices(1000);
    expect(thousand).toHaveLength(177);
    expect(thousand.slice(0, 8)).toEqual([0, 6, 11, 17, 23, 28, 34, 40]);
    expect(thousand.slice(-3)).toEqual([988, 993, 999]);
    // 120 frames: 120^0.75 = 36, so 100 of them.
    expect(sampleIndices(120)).toHaveLength(100);
  });

  it("rounds halves to even, as numpy does", () => {
    // np.linspace(0, 470, 101) steps by 4.7: 23.5 -> 24, 70.5 -> 70, 117.5 -> 118, 164.5 -> 164.
    const at = sampleIndices(471);
    expect(at).toHaveLength(101);
    expect([at[5], at[15], at[25], at[35]]).toEqual([24, 70, 118, 164]);
  });

  it("samples at most 10,000 frames", () => {
    expect(sampleIndices(10_000_000)).toHaveLength(10_000);
  });
});

describe("videoEpisodeStats", () => {
  const dir = tempDir("lerobot-ts-camera-stats-video-");
  const root = path.join(dir, "ds");
  beforeAll(async () => {
    await (await writeSynthetic({ root, episodes: LENGTHS, cameras: ["front"], width: W, height: H, vcodec: "h264" })).finalize();
  }, 60_000);
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  it("counts the frames LeRobot samples of a long episode", async () => {
    const stats = await videoEpisodeStats(await openDataset(root), 0, FRONT, await findFfmpeg());
    expect(stats.count).toEqual([100]);
  });

  it("gives the stats of the episode's own decoded frames, found where it starts in the file", async () => {
    const ds = await openDataset(root);
    expect(ds.episode(1).cameras[FRONT]!.fromTimestampS).toBeGreaterThan(0); // episode 1 is not at the file's start
    const frames = await Promise.all(Array.from({ length: LENGTHS[1]! }, async (_, k) => (await ds.decodeFrame(FRONT, 1, k)).data));
    expectStatsOf(await videoEpisodeStats(ds, 1, FRONT, await findFfmpeg()), frames);
  });

  it("throws a DatasetError for a feature the episode has no video of", async () => {
    const attempt = videoEpisodeStats(await openDataset(root), 0, "observation.images.wrist", await findFfmpeg());
    await expect(attempt).rejects.toBeInstanceOf(DatasetError);
    await expect(attempt).rejects.toThrow("episode 0 has no video for 'observation.images.wrist'");
  });
});

describe("imageEpisodeStats", () => {
  const dir = tempDir("lerobot-ts-camera-stats-image-");
  const root = path.join(dir, "ds");
  beforeAll(async () => {
    await (await writeSynthetic({ root, episodes: LENGTHS, cameras: ["front"], width: W, height: H, useVideos: false })).finalize();
  }, 60_000);
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  it("gives the stats of the sampled frames' images (PNG is lossless: they are the frames recorded)", async () => {
    const ds = await openDataset(root);
    expect(ds.features[FRONT]!.dtype).toBe("image");
    // Camera 0 of episode e, frame k, as writeSynthetic drew it.
    const recorded = (e: number, k: number) => barcodeFrame(W, H, [e, k, 0]);
    const long = await imageEpisodeStats(ds, 0, FRONT);
    expectStatsOf(long, sampleIndices(LENGTHS[0]!).map((k) => recorded(0, k)));
    const short = await imageEpisodeStats(ds, 1, FRONT);
    expectStatsOf(short, Array.from({ length: LENGTHS[1]! }, (_, k) => recorded(1, k)));
  });
});
