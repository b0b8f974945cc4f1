/** checkQuality: data-quality warnings from the data pass's signals (short episodes, static joints, constants, clipping). */
import fs from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { MIN_EPISODE_FRAMES, STATIC_JOINT_RANGE, checkQuality } from "../../../src/verify/checks/quality.js";
import { DATA_FILE, mapNumeric, rewriteParquet } from "../../helpers/corrupt.js";
import { tempDir } from "../../helpers/synthetic.js";
import { contextBefore, copyOf, findingsOf, writeVerifyBase } from "../../helpers/verify-context.js";
import { writeSyntheticDataset } from "../../../src/dataset/synthetic.js";

const JOINT = 6; // values per row of action and observation.state

describe("checkQuality", () => {
  const dir = tempDir("lerobot-ts-quality-");
  const base = path.join(dir, "base");
  beforeAll(() => writeVerifyBase(base), 60_000);
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  const qualityOf = async (root: string) => {
    const { ctx } = await contextBefore(root, "quality");
    return findingsOf(ctx, () => checkQuality(ctx));
  };
  const editData = async (name: string, column: string, edit: (v: Float32Array, rows: number) => void) => {
    const root = copyOf(base, dir, name);
    await rewriteParquet(path.join(root, DATA_FILE), (t) => mapNumeric(t, column, (v) => edit(v as Float32Array, t.numRows)));
    return root;
  };

  it("finds nothing in a dataset of moving joints and episodes of the minimum length", async () => {
    expect(MIN_EPISODE_FRAMES).toBe(100); // the base's episodes are exactly this long
    expect(await qualityOf(base)).toEqual([]);
  });

  it("warns of episodes shorter than an action chunk, naming the shortest", async () => {
    const root = path.join(dir, "short");
    await writeSyntheticDataset({ root, episodes: 3, frames: MIN_EPISODE_FRAMES - 1, cameras: [] });
    const found = await qualityOf(root);
    expect(found.map((f) => [f.check, f.severity, f.episode])).toEqual([["quality.short_episode", "warning", 0]]);
    expect(found[0]!.message).toBe("3 of 3 episodes are shorter than 100 frames (shortest: episode 0, 99 frames = 3.3 s)");
  });

  it("warns of a joint that moves less than the static range over the whole dataset", async () => {
    const root = await editData("static", "action", (v, rows) => { for (let i = 0; i < rows; i++) v[JOINT * i + 4] = 12 + (STATIC_JOINT_RANGE / 4) * Math.sin(i); });
    const found = await qualityOf(root);
    expect(found.map((f) => [f.check, f.column])).toEqual([["quality.static_joint", "action"]]);
    expect(found[0]!.message).toMatch(/^action wrist_roll\.pos moves only 0\.\d+ over the whole dataset/);
  });

  it("warns of a dimension that is the same in every frame", async () => {
    const root = await editData("constant", "observation.state", (v, rows) => { for (let i = 0; i < rows; i++) v[JOINT * i + 3] = 7; });
    const found = await qualityOf(root);
    expect(found.map((f) => [f.check, f.column])).toEqual([["quality.zero_variance", "observation.state"]]);
    expect(found[0]!.message).toBe("observation.state wrist_flex.pos is 7 in every frame");
  });

  it("warns of a gripper held at its calibration bound, naming the worst episode", async () => {
    const root = await editData("clipped", "observation.state", (v) => { for (let i = 200; i < 240; i++) v[JOINT * i + 5] = 100; });
    const found = await qualityOf(root);
    expect(found.map((f) => [f.check, f.column, f.episode])).toEqual([["quality.clipping", "observation.state", 2]]);
    expect(found[0]!.message).toBe("observation.state gripper.pos is exactly at a calibration bound (0 or 100) in 40 frames (10.0%); worst: episode 2, 40 frames, 40 in a row");
  });

  it("does not call two frames at a bound clipping", async () => {
    const root = await editData("two-at-bound", "observation.state", (v) => { v[JOINT * 10 + 5] = 100; v[JOINT * 11 + 5] = 100; });
    expect(await qualityOf(root)).toEqual([]);
  });
});
