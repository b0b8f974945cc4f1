/**
 * Datasets whose every episode is recognisable after an edit: episode i carries a code in its
 * state values and in a barcode drawn into each camera frame, so a test can tell that an output
 * episode holds exactly the rows and frames of the source episode it came from.
 */
import { expect } from "vitest";
import { openDataset } from "../../src/dataset/reader.js";
import { DatasetWriter } from "../../src/dataset/writer.js";
import type { DatasetWriterOptions } from "../../src/dataset/writer.js";
import { verifyDataset } from "../../src/verify/verify.js";
import { readBarcode } from "./barcode.js";
import { features, makeFrame, stateValue } from "./synthetic.js";

export const W = 96;
export const H = 64;
export const CAMERAS = ["front", "wrist"];
export const LENGTHS = [7, 12, 9, 10, 8, 11];

/**
 * A dataset whose episode i carries the code `codes[i]` in its state values and frame barcodes.
 * Small size limits put its episodes in several data and video files.
 */
export async function writeCoded(
  root: string, codes: number[], lengths: number[], task: (i: number) => string, options: number | Partial<DatasetWriterOptions> = {},
): Promise<void> {
  const overrides = typeof options === "number" ? { fps: options } : options;
  const writer = await DatasetWriter.create({
    root, repoId: "t/edit", fps: 30, robotType: "so_follower", features: features(CAMERAS, W, H), vcodec: "h264",
    dataFilesSizeInMb: 0.004, videoFilesSizeInMb: 0.008, chunksSize: 3, ...overrides,
  });
  for (const [i, code] of codes.entries()) {
    for (let k = 0; k < lengths[i]!; k++) await writer.addFrame(makeFrame(code, k, CAMERAS, W, H, task(i)));
    await writer.saveEpisode();
  }
  await writer.finalize();
}

/** Each output episode j must be source code `codes[j]`: rows, tasks and first/last frame of every camera. */
export async function expectEpisodes(root: string, codes: number[], lengths: number[], tasks?: string[]): Promise<void> {
  const ds = await openDataset(root);
  expect(ds.episodes.map((e) => e.length)).toEqual(lengths);
  const state = await ds.readColumn("observation.state");
  const index = await ds.readColumn("index");
  const frameIndex = await ds.readColumn("frame_index");
  const taskIndex = await ds.readColumn("task_index");
  let row = 0;
  for (const [j, code] of codes.entries()) {
    const episode = ds.episode(j);
    if (tasks) expect(episode.tasks, `episode ${j}`).toEqual([tasks[j]]);
    for (let k = 0; k < lengths[j]!; k++, row++) {
      for (let d = 0; d < 6; d++) expect(state.values[row * 6 + d], `episode ${j} frame ${k}`).toBe(stateValue(code, k, d));
      expect(Number(index.values[row])).toBe(row);
      expect(Number(frameIndex.values[row])).toBe(k);
      if (tasks) expect(ds.taskText(Number(taskIndex.values[row])), `episode ${j} frame ${k}`).toBe(tasks[j]);
    }
    for (const [c, camera] of CAMERAS.entries()) {
      for (const k of [0, lengths[j]! - 1]) {
        const frame = await ds.decodeFrame(`observation.images.${camera}`, j, k);
        expect(readBarcode(frame.data, W, H, 3), `episode ${j} frame ${k} ${camera}`).toEqual([code, k, c]);
      }
    }
  }
  const report = await verifyDataset(root, { deep: true });
  expect(report.findings.filter((f) => f.check !== "quality.short_episode"), root).toEqual([]);
}

