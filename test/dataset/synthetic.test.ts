/**
 * The synthetic dataset (no hardware): smooth trajectories with the state a tick behind the
 * action, moving test-pattern cameras, written as a finalized dataset. Read back with DuckDB and
 * ffprobe.
 */
import { execFileSync } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DatasetError } from "../../src/errors.js";
import { SO101_JOINTS, syntheticImage, syntheticJoints, writeSyntheticDataset } from "../../src/dataset/synthetic.js";
import type { Duck } from "../helpers/duckdb.js";
import { openDuck, plain, sqlPath } from "../helpers/duckdb.js";
import { tempDir } from "../helpers/synthetic.js";

let dir: string;
let duck: Duck;
beforeAll(async () => { dir = tempDir(); duck = await openDuck(); });
afterAll(() => { duck.close(); fs.rmSync(dir, { recursive: true, force: true }); });

describe("syntheticJoints", () => {
  it("gives the six SO-101 joints, gripper within 0..100, the same for the same (episode, time)", () => {
    expect(SO101_JOINTS).toEqual(["shoulder_pan.pos", "shoulder_lift.pos", "elbow_flex.pos", "wrist_flex.pos", "wrist_roll.pos", "gripper.pos"]);
    for (let t = 0; t < 10; t += 0.1) {
      const joints = syntheticJoints(1, t);
      expect(joints).toHaveLength(6);
      expect(joints[5]).toBeGreaterThanOrEqual(0);
      expect(joints[5]).toBeLessThanOrEqual(100);
    }
    expect(syntheticJoints(2, 1.5)).toEqual(syntheticJoints(2, 1.5));
  });

  it("moves smoothly (a few degrees per 30 fps tick at most) and differently per episode", () => {
    for (let t = 0; t < 10; t += 1 / 30) {
      const step = syntheticJoints(0, t + 1 / 30).map((v, j) => Math.abs(v - syntheticJoints(0, t)[j]!));
      expect(Math.max(...step)).toBeLessThan(3);
    }
    expect(syntheticJoints(0, 1)).not.toEqual(syntheticJoints(1, 1));
  });
});

describe("syntheticImage", () => {
  it("is width x height x 3 RGB bytes that change with the frame and the camera", () => {
    const image = syntheticImage(64, 48, 0, 0);
    expect(image).toHaveLength(64 * 48 * 3);
    expect(Buffer.from(syntheticImage(64, 48, 1, 0)).equals(Buffer.from(image))).toBe(false);
    expect(Buffer.from(syntheticImage(64, 48, 0, 1)).equals(Buffer.from(image))).toBe(false);
    expect(Buffer.from(syntheticImage(64, 48, 0, 0)).equals(Buffer.from(image))).toBe(true);
  });

  it("draws a bright square that moves right with the frame index", () => {
    /** Leftmost x of the (250, 250, 40) square's pixels. */
    const squareX = (image: Uint8Array) => {
      for (let i = 0; i < image.length; i += 3) {
        if (image[i] === 250 && image[i + 1] === 250 && image[i + 2] === 40) return (i / 3) % 64;
      }
      return -1;
    };
    expect(squareX(syntheticImage(64, 48, 0, 0))).toBe(0);
    expect(squareX(syntheticImage(64, 48, 5, 0))).toBe(15);
  });
});

describe("writeSyntheticDataset", () => {
  it("writes a finalized dataset: the action trajectory, the state a tick behind it, and one video per camera", async () => {
    const root = path.join(dir, "synthetic");
    const saved: [number, number][] = [];
    await writeSyntheticDataset({ root, episodes: 2, frames: 4, cameras: ["front"], width: 64, height: 48, task: "reach", onEpisode: (e, n) => saved.push([e, n]) });
    expect(saved).toEqual([[0, 4], [1, 4]]);
    const info = JSON.parse(fs.readFileSync(path.join(root, "meta/info.json"), "utf8")) as Record<string, unknown>;
    expect(info).toMatchObject({ total_episodes: 2, total_frames: 8, total_tasks: 1, fps: 30, robot_type: "so101_follower" });

    const rows = plain(await duck.rows(`SELECT episode_index, frame_index, action, "observation.state" AS state FROM read_parquet(${sqlPath(path.join(root, "data/chunk-000/file-000.parquet"))}) ORDER BY "index"`)) as
      { episode_index: number; frame_index: number; action: number[]; state: number[] }[];
    expect(rows.map((r) => [r.episode_index, r.frame_index])).toEqual([[0, 0], [0, 1], [0, 2], [0, 3], [1, 0], [1, 1], [1, 2], [1, 3]]);
    const f32 = (values: number[]) => values.map(Math.fround);
    for (const r of rows) {
      expect(r.action).toEqual(f32(syntheticJoints(r.episode_index, r.frame_index / 30)));
      // The follower lags a tick: its state is the previous frame's action (the first frame's own).
      expect(r.state).toEqual(f32(syntheticJoints(r.episode_index, Math.max(0, (r.frame_index - 1) / 30))));
    }
    expect(await duck.rows(`SELECT task FROM read_parquet(${sqlPath(path.join(root, "meta/tasks.parquet"))})`)).toEqual([{ task: "reach" }]);

    const video = path.join(root, "videos/observation.images.front/chunk-000/file-000.mp4");
    const probe = execFileSync("ffprobe", ["-v", "error", "-count_frames", "-select_streams", "v:0", "-show_entries", "stream=width,height,nb_read_frames", "-of", "csv=p=0", video], { encoding: "utf8" }).trim();
    expect(probe).toBe("64,48,8");
  });

  it("writes no videos without cameras", async () => {
    const root = path.join(dir, "no-cameras");
    await writeSyntheticDataset({ root, episodes: 1, frames: 2, cameras: [] });
    expect(fs.existsSync(path.join(root, "videos"))).toBe(false);
    const info = JSON.parse(fs.readFileSync(path.join(root, "meta/info.json"), "utf8")) as { features: Record<string, unknown>; total_frames: number };
    expect(Object.keys(info.features).filter((k) => k.startsWith("observation.images."))).toEqual([]);
    expect(info.total_frames).toBe(2);
  });

  it("refuses a folder that already holds something, as a DatasetError", async () => {
    const root = path.join(dir, "occupied");
    fs.mkdirSync(root);
    fs.writeFileSync(path.join(root, "keep.txt"), "mine");
    await expect(writeSyntheticDataset({ root, episodes: 1, frames: 1, cameras: [] })).rejects.toBeInstanceOf(DatasetError);
    expect(fs.readdirSync(root)).toEqual(["keep.txt"]);
  });
});
