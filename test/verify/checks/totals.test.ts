/** checkTotals: info.json's total_episodes / total_frames / total_tasks and splits against the metadata. */
import fs from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { checkTotals } from "../../../src/verify/checks/totals.js";
import { editEpisodes, editInfo } from "../../helpers/corrupt.js";
import { tempDir } from "../../helpers/synthetic.js";
import { contextBefore, copyOf, findingsOf, idAndFile, writeVerifyBase } from "../../helpers/verify-context.js";

const INFO = "meta/info.json";

describe("checkTotals", () => {
  const dir = tempDir("lerobot-ts-totals-");
  const base = path.join(dir, "base");
  beforeAll(() => writeVerifyBase(base), 60_000);
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  const totalsOf = async (root: string) => {
    const { ctx } = await contextBefore(root, "totals");
    return findingsOf(ctx, () => checkTotals(ctx));
  };

  it("finds nothing in a healthy dataset", async () => {
    expect(await totalsOf(base)).toEqual([]);
  });

  it("reports total_episodes that disagrees with the rows of meta/episodes", async () => {
    const root = copyOf(base, dir, "episodes");
    editInfo(root, (i) => { i.total_episodes = 5; i.splits = { train: "0:5" }; });
    const found = await totalsOf(root);
    expect(found.map(idAndFile)).toEqual([{ check: "info.total_episodes", file: INFO }]);
    expect(found[0]).toMatchObject({ severity: "error", column: "total_episodes" });
    expect(found[0]!.message).toBe("total_episodes is 5, meta/episodes has 4");
  });

  it("reports total_frames that is not the sum of the episode lengths", async () => {
    const root = copyOf(base, dir, "frames");
    editInfo(root, (i) => { i.total_frames -= 1; });
    const found = await totalsOf(root);
    expect(found.map(idAndFile)).toEqual([{ check: "info.total_frames", file: INFO }]);
    expect(found[0]!.message).toBe("total_frames is 399, the episodes' lengths add up to 400");
  });

  it("reports total_tasks that is not the number of rows of tasks.parquet", async () => {
    const root = copyOf(base, dir, "tasks");
    editInfo(root, (i) => { i.total_tasks = 2; });
    const found = await totalsOf(root);
    expect(found.map(idAndFile)).toEqual([{ check: "info.total_tasks", file: INFO }]);
    expect(found[0]!.message).toBe("total_tasks is 2, meta/tasks.parquet has 1");
  });

  it("reports a split that is not a range, and one past the episodes", async () => {
    const root = copyOf(base, dir, "splits");
    editInfo(root, (i) => { i.splits = { train: "0:9", val: "3-4", test: "3:2" }; });
    const found = await totalsOf(root);
    expect(found.map((f) => [f.check, f.column])).toEqual([
      ["info.splits", "splits.train"],
      ["info.splits", "splits.val"],
      ["info.splits", "splits.test"],
    ]);
    expect(found[0]!.message).toBe("split 'train' is '0:9' but there are 4 episodes");
    expect(found[1]!.message).toBe("split 'val' is '3-4', not a range 'start:end'");
  });

  it("reports an empty dataset when meta/episodes has no rows", async () => {
    const root = copyOf(base, dir, "empty");
    await editEpisodes(root, (e) => { e.splice(0); });
    editInfo(root, (i) => { i.total_episodes = 0; i.total_frames = 0; i.splits = {}; });
    const found = await totalsOf(root);
    expect(found.map(idAndFile)).toEqual([{ check: "dataset.empty", file: INFO }]);
  });
});
