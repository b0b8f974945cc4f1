/**
 * Dataset edits that keep frames as they are (delete_episodes, split, merge), from the library
 * (`lerobot-ts edit` is in test/cli/commands/edit.test.ts): every output episode holds exactly its
 * source episode's rows (state values encode episode and frame) and frames (a barcode in every
 * frame: its first and last are decoded), across several source and output files; the outputs
 * verify with --deep; bad input is refused, and nothing is written.
 */
import fs from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openDataset } from "../../src/dataset/reader.js";
import type { LeRobotDataset } from "../../src/dataset/reader.js";
import { deleteEpisodes, mergeDatasets, modifyTasks, removeFeatures, splitDataset, splitEpisodeLists } from "../../src/edit/operations.js";
import { verifyDataset } from "../../src/verify/verify.js";
import { readBarcode } from "../helpers/barcode.js";
import { H, LENGTHS, W, expectEpisodes, writeCoded } from "../helpers/coded-dataset.js";
import { tempDir } from "../helpers/synthetic.js";

describe("dataset edits without re-encoding", () => {
  const dir = tempDir("lerobot-ts-edit-");
  const source = path.join(dir, "source");
  let ds: LeRobotDataset;
  const taskOf = (i: number) => (i % 2 === 0 ? "pick" : "place");
  beforeAll(async () => {
    await writeCoded(source, LENGTHS.map((_, i) => i), LENGTHS, taskOf);
    ds = await openDataset(source);
  }, 120_000);
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  it("spreads the source over several files (so the edits cross file boundaries)", () => {
    expect(new Set(ds.episodes.map((e) => e.dataFile)).size).toBeGreaterThan(1);
    expect(new Set(ds.episodes.map((e) => e.cameras["observation.images.front"]!.path)).size).toBeGreaterThan(2);
  });

  it("delete_episodes: the rest renumbered, each with its own rows and frames, and the input untouched", async () => {
    const before = fs.readFileSync(path.join(source, "meta/info.json"), "utf8");
    const out = path.join(dir, "deleted");
    const result = await deleteEpisodes(ds, [1, 4], out);
    expect(result.episodes).toBe(4);
    const kept = [0, 2, 3, 5];
    await expectEpisodes(out, kept, kept.map((i) => LENGTHS[i]!), kept.map(taskOf));
    expect(fs.readFileSync(path.join(source, "meta/info.json"), "utf8")).toBe(before);
    // Every episode's stats are its own data's, renumbering included.
    const edited = await openDataset(out);
    expect(edited.episode(1).stats.episode_index!.min).toEqual([1]);
    expect(edited.episode(3).stats.index!.max).toEqual([LENGTHS[0]! + LENGTHS[2]! + LENGTHS[3]! + LENGTHS[5]! - 1]);
  }, 120_000);

  it("split by lists and by fractions, as LeRobot cuts them", async () => {
    expect(splitEpisodeLists(6, { train: 0.5, val: 0.3, test: 0.2 })).toEqual({ train: [0, 1, 2], val: [3], test: [4, 5] });
    const roots = { train: path.join(dir, "split", "train"), val: path.join(dir, "split", "val") };
    await splitDataset(ds, { train: [5, 0, 3], val: [1, 2] }, roots);
    await expectEpisodes(roots.train, [5, 0, 3], [5, 0, 3].map((i) => LENGTHS[i]!));
    await expectEpisodes(roots.val, [1, 2], [1, 2].map((i) => LENGTHS[i]!));
  }, 120_000);

  it("merge: every episode of each dataset in order, tasks unified by text", async () => {
    const second = path.join(dir, "second");
    await writeCoded(second, [100, 101, 102], [6, 9, 7], (i) => (i === 1 ? "pick" : "stack"));
    const out = path.join(dir, "merged");
    const result = await mergeDatasets([ds, await openDataset(second)], out);
    expect(result.tasks).toEqual(["pick", "place", "stack"]);
    await expectEpisodes(out, [0, 1, 2, 3, 4, 5, 100, 101, 102], [...LENGTHS, 6, 9, 7], [...LENGTHS.map((_, i) => taskOf(i)), "stack", "pick", "stack"]);
  }, 180_000);

  it("remove_feature: the feature's column or videos and stats go, the rest stays frame for frame", async () => {
    const out = path.join(dir, "removed");
    await removeFeatures(ds, ["observation.images.wrist", "action"], out);
    const edited = await openDataset(out);
    expect(Object.keys(edited.features)).toEqual(Object.keys(ds.features).filter((k) => k !== "action" && k !== "observation.images.wrist"));
    expect(fs.existsSync(path.join(out, "videos/observation.images.wrist"))).toBe(false);
    const table = await edited.readFrames({ episodes: [0] });
    expect(table.schema.fields.map((f) => f.name)).not.toContain("action");
    expect(Object.keys(edited.episode(0).stats)).not.toContain("action");
    const frame = await edited.decodeFrame("observation.images.front", 3, LENGTHS[3]! - 1);
    expect(readBarcode(frame.data, W, H, 3)).toEqual([3, LENGTHS[3]! - 1, 0]);
    const report = await verifyDataset(out, { deep: true });
    expect(report.findings.filter((f) => f.check !== "quality.short_episode")).toEqual([]);
    await expect(removeFeatures(ds, ["timestamp"], path.join(dir, "never"))).rejects.toThrow(/every LeRobot frame/);
  }, 60_000);

  it("modify_tasks: one task for all, per-episode tasks, and replacements, as LeRobot's", async () => {
    const out = path.join(dir, "retasked");
    await modifyTasks(ds, { newTask: "tidy up", episodeTasks: { 2: "stack" } }, out);
    const edited = await openDataset(out);
    expect(edited.tasks).toEqual(["tidy up", "stack"]);
    expect(edited.episodes.map((e) => e.tasks[0])).toEqual(["tidy up", "tidy up", "stack", "tidy up", "tidy up", "tidy up"]);
    const taskIndex = await edited.readColumn("task_index", { episodes: [2] });
    expect(new Set(Array.from(taskIndex.values, Number))).toEqual(new Set([1]));
    const replaced = path.join(dir, "replaced");
    await modifyTasks(ds, { taskReplacements: { pick: "lift" } }, replaced);
    expect((await openDataset(replaced)).episodes.map((e) => e.tasks[0])).toEqual(LENGTHS.map((_, i) => (i % 2 === 0 ? "lift" : "place")));
    expect((await verifyDataset(replaced)).valid).toBe(true);
  }, 60_000);

  it("edits a dataset laid out as LeRobot v0.6 writes it (AV1 videos, two tasks) into one that verifies", async () => {
    const v06 = await openDataset(path.join(import.meta.dirname, "..", "..", "fixtures", "lerobot-v0.6", "so101-record"));
    const out = path.join(dir, "v06-deleted");
    await deleteEpisodes(v06, [1], out);
    const edited = await openDataset(out);
    expect(edited.episodes.map((e) => [e.length, e.tasks])).toEqual([[20, ["Pick the cube"]], [15, ["Put it back"]]]);
    expect(edited.info.features).toEqual(v06.info.features);
    const report = await verifyDataset(out, { deep: true });
    expect(report.findings.filter((f) => f.check !== "quality.short_episode")).toEqual([]);
    // The kept second episode shows the source's episode 2, frame for frame.
    const a = await v06.decodeFrame("observation.images.front", 2, 14);
    const b = await edited.decodeFrame("observation.images.front", 1, 14);
    expect(Buffer.from(b.data).equals(Buffer.from(a.data))).toBe(true);
  }, 60_000);

  it("refuses what cannot be done, naming the problem: unknown episodes, datasets that differ, an output that exists", async () => {
    await expect(deleteEpisodes(ds, [2, 17], path.join(dir, "never"))).rejects.toThrow(/episode\(s\) 17 are not in/);
    const other = path.join(dir, "fps15");
    await writeCoded(other, [7], [5], () => "pick", 15);
    await expect(mergeDatasets([ds, await openDataset(other)], path.join(dir, "never"))).rejects.toThrow(/fps 15 vs 30/);
    await expect(deleteEpisodes(ds, [0], source)).rejects.toThrow(/already exists/);
    expect(fs.existsSync(path.join(dir, "never"))).toBe(false);
  }, 60_000);
});
