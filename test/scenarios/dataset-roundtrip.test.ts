import fs from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openDataset } from "../../src/dataset/reader.js";
import type { LeRobotDataset } from "../../src/dataset/reader.js";
import { probeMp4 } from "../../src/dataset/video/index.js";
import { readBarcode } from "../helpers/barcode.js";
import { JOINTS, actionValue, stateValue, tempDir, writeSynthetic } from "../helpers/synthetic.js";

const LENGTHS = [12, 7, 15, 9, 11];
const W = 96;
const H = 64;

describe("write 5 episodes x 2 cameras, read them back", () => {
  let dir: string;
  let ds: LeRobotDataset;

  beforeAll(async () => {
    dir = tempDir();
    const writer = await writeSynthetic({
      root: path.join(dir, "ds"), episodes: LENGTHS, width: W, height: H,
      tasks: (e) => (e % 2 === 0 ? "pick the cube" : "place the cube"),
    });
    await writer.finalize();
    ds = await openDataset(path.join(dir, "ds"));
  });
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  it("has the totals, tasks and episodes it was given", () => {
    expect(ds.info.total_episodes).toBe(5);
    expect(ds.info.total_frames).toBe(LENGTHS.reduce((a, b) => a + b));
    expect(ds.info.splits).toEqual({ train: "0:5" });
    expect(ds.tasks).toEqual(["pick the cube", "place the cube"]);
    expect(ds.episodes.map((e) => e.length)).toEqual(LENGTHS);
    expect(ds.episodes.map((e) => e.tasks)).toEqual(LENGTHS.map((_, e) => [e % 2 === 0 ? "pick the cube" : "place the cube"]));
    let from = 0;
    for (const e of ds.episodes) {
      expect(e.datasetFromIndex).toBe(from);
      from += e.length;
      expect(e.datasetToIndex).toBe(from);
    }
  });

  it("reads every numeric value back exactly", async () => {
    const table = await ds.readFrames();
    expect(table.numRows).toBe(ds.numFrames);
    let row = 0;
    for (const [e, length] of LENGTHS.entries()) {
      for (let k = 0; k < length; k++, row++) {
        const r = table.get(row)!.toJSON() as Record<string, unknown>;
        expect(Array.from(r["observation.state"] as Float32Array)).toEqual(JOINTS.map((_, j) => stateValue(e, k, j)));
        expect(Array.from(r.action as Float32Array)).toEqual(JOINTS.map((_, j) => actionValue(e, k, j)));
        expect(Number(r.episode_index)).toBe(e);
        expect(Number(r.frame_index)).toBe(k);
        expect(Number(r.index)).toBe(row);
        expect(r.timestamp).toBeCloseTo(k / 30, 6);
        expect(ds.taskText(Number(r.task_index))).toBe(e % 2 === 0 ? "pick the cube" : "place the cube");
      }
    }
  });

  it("returns episode 2's first frame at position 0 when episodes [2,3,4] are selected", async () => {
    const table = await ds.readFrames({ episodes: [2, 3, 4], columns: ["observation.state", "episode_index", "frame_index"] });
    expect(table.numRows).toBe(LENGTHS[2]! + LENGTHS[3]! + LENGTHS[4]!);
    expect(Number(table.get(0)!.episode_index)).toBe(2);
    expect(Number(table.get(0)!.frame_index)).toBe(0);
    expect(table.schema.fields.map((f) => f.name)).toEqual(["observation.state", "episode_index", "frame_index"]);
    const state = await ds.readColumn("observation.state", { episodes: [4, 1] });
    expect(state.dim).toBe(6);
    expect(state.numRows).toBe(LENGTHS[4]! + LENGTHS[1]!);
    expect(state.values[0]).toBe(stateValue(4, 0, 0));
    expect(state.values[LENGTHS[4]! * 6]).toBe(stateValue(1, 0, 0));
    const both = await ds.readColumns(["action", "frame_index"], { episodes: [3] });
    expect(both.action!.values[6]).toBe(actionValue(3, 1, 0));
    expect(Array.from(both.frame_index!.values, Number)).toEqual(Array.from({ length: LENGTHS[3]! }, (_, k) => k));
    await expect(ds.readColumns(["action", "nope"])).rejects.toThrow(/nope/);
  });

  it("stores each camera's episodes back to back with exact timestamps", async () => {
    for (const key of ds.cameraKeys) {
      let expectedFrom = 0;
      for (const e of ds.episodes) {
        const cam = e.cameras[key]!;
        expect(cam.fromTimestampS).toBeCloseTo(expectedFrom, 9);
        expect(cam.toTimestampS - cam.fromTimestampS).toBeCloseTo(e.length / 30, 9);
        expectedFrom = cam.toTimestampS;
      }
      const probe = await probeMp4(ds.episodes[0]!.cameras[key]!.path);
      expect(probe.frameCount).toBe(ds.numFrames);
      expect(probe.width).toBe(W);
      expect(probe.height).toBe(H);
    }
  });

  it("decodes frame k of episode e showing (e, k)", async () => {
    for (const [e, k] of [[0, 0], [1, 6], [2, 7], [3, 1], [4, 10]] as const) {
      for (const [c, key] of ds.cameraKeys.entries()) {
        const frame = await ds.decodeFrame(key, e, k);
        expect(readBarcode(frame.data, frame.width, frame.height, 3)).toEqual([e, k, c]);
      }
    }
  });

  it("fills the video info of info.json from the written files", () => {
    const info = ds.features["observation.images.front"]!.info!;
    expect(info["video.codec"]).toBe("h264");
    expect(info["video.pix_fmt"]).toBe("yuv420p");
    expect(info["video.width"]).toBe(W);
    expect(info["video.height"]).toBe(H);
    expect(info["video.fps"]).toBe(30);
  });

  it("writes per-episode and dataset stats that agree", () => {
    const stats = ds.stats!;
    const ep2 = ds.episodes[2]!.stats["observation.state"]!;
    expect(ep2.min).toEqual(JOINTS.map((_, j) => stateValue(2, 0, j)));
    expect(ep2.max).toEqual(JOINTS.map((_, j) => stateValue(2, LENGTHS[2]! - 1, j)));
    expect(ep2.count).toEqual([LENGTHS[2]]);
    expect(stats["observation.state"]!.min).toEqual(JOINTS.map((_, j) => stateValue(0, 0, j)));
    expect(stats["observation.state"]!.count).toEqual([ds.numFrames]);
    expect(stats.index!.max).toEqual([ds.numFrames - 1]);
    const image = stats["observation.images.front"]!;
    expect((image.mean as number[][][]).length).toBe(3);
    for (const channel of image.mean as number[][][]) expect(channel[0]![0]).toBeGreaterThan(0);
    for (const channel of image.max as number[][][]) expect(channel[0]![0]).toBeLessThanOrEqual(1);
  });
});
