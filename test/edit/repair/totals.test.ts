/**
 * planTotals (info.total_episodes / total_frames / total_tasks / splits): info.json's counts left
 * behind by a save that died before info.json, its commit point, are set from meta/episodes and
 * meta/tasks.parquet, and nothing else in info.json changes. They are refused while the data rows
 * disagree with the metadata, and a split other than LeRobot's one train split is left alone.
 */
import fs from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { planTotals } from "../../../src/edit/repair/totals.js";
import { DATA_FILE, editInfo, mapNumeric, rewriteParquet } from "../../helpers/corrupt.js";
import { errorChecks, planInputFor } from "../../helpers/repair-plan-input.js";
import { caseCopies } from "../../helpers/case-copies.js";
import { tempDir, writeSynthetic } from "../../helpers/synthetic.js";

const LENGTHS = [5, 6, 4];
const INFO = "meta/info.json";

describe("planTotals", () => {
  const dir = tempDir("lerobot-ts-repair-totals-");
  const base = path.join(dir, "base");
  const copy = caseCopies(base, dir);
  const readInfo = (root: string) => JSON.parse(fs.readFileSync(path.join(root, INFO), "utf8")) as Record<string, unknown>;
  /** info.json as a save of the last episode that died before writing it leaves it. */
  const behindByOne = (root: string) => editInfo(root, (i) => {
    i.total_episodes = 2;
    i.total_frames = 11;
    i.splits = { train: "0:2" };
  });
  beforeAll(async () => {
    await (await writeSynthetic({ root: base, episodes: LENGTHS, cameras: [], tasks: (e) => (e === 2 ? "place" : "pick") })).finalize();
  });
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  it("rolls the counts and the train split forward to the episodes metadata, changing nothing else", async () => {
    const root = copy();
    behindByOne(root);
    const plan = planTotals(await planInputFor(root));
    expect(plan.refused).toEqual([]);
    expect(plan.steps).toHaveLength(1);
    const step = plan.steps[0]!;
    expect(step).toMatchObject({ check: "info.total_episodes", file: INFO });
    // "0:2" is a valid range while info.json says 2 episodes, so verify has no splits finding: the split is rolled forward with the count.
    expect([...step.settles].sort()).toEqual(["info.total_episodes", "info.total_frames"]);
    expect(step.what).toBe("set total_episodes 2 -> 3, total_frames 11 -> 15, splits.train 0:2 -> 0:3 from meta/episodes and meta/tasks.parquet");

    await step.apply();
    expect(readInfo(root)).toEqual(readInfo(base));
    expect(await errorChecks(root)).toEqual([]);
  });

  it("sets total_tasks from meta/tasks.parquet", async () => {
    const root = copy();
    editInfo(root, (i) => { i.total_tasks = 5; });
    const plan = planTotals(await planInputFor(root));
    expect(plan.steps.map((s) => [s.check, s.what])).toEqual([["info.total_tasks", "set total_tasks 5 -> 2 from meta/episodes and meta/tasks.parquet"]]);
    await plan.steps[0]!.apply();
    expect(readInfo(root).total_tasks).toBe(2);
    expect(await errorChecks(root)).toEqual([]);
  });

  it("leaves a split of the user's own alone while fixing the counts", async () => {
    const root = copy();
    editInfo(root, (i) => {
      i.total_episodes = 2;
      i.total_frames = 11;
      i.splits = { train: "0:1", val: "1:3" };
    });
    const plan = planTotals(await planInputFor(root));
    expect(plan.steps.map((s) => s.what)).toEqual(["set total_episodes 2 -> 3, total_frames 11 -> 15 from meta/episodes and meta/tasks.parquet"]);
    // 'val' reaches past the 2 episodes info.json counts: verify flags it, and repair leaves the choice to the user.
    expect(plan.steps[0]!.settles).not.toContain("info.splits");
    expect(plan.refused).toEqual([{ check: "info.splits", file: INFO, why: "splits other than LeRobot's one train split are a choice repair does not make" }]);
    await plan.steps[0]!.apply();
    expect(readInfo(root).splits).toEqual({ train: "0:1", val: "1:3" });
  });

  it("refuses while the data rows have errors: the metadata cannot be confirmed against them", async () => {
    const root = copy();
    behindByOne(root);
    await rewriteParquet(path.join(root, DATA_FILE), (t) => mapNumeric(t, "timestamp", (v) => { v[3] = (v[3] as number) + 0.5; }));
    const before = fs.readFileSync(path.join(root, INFO));
    const plan = planTotals(await planInputFor(root));
    expect(plan.steps).toEqual([]);
    expect(plan.refused.map((r) => r.check).sort()).toEqual(["info.total_episodes", "info.total_frames"]);
    for (const r of plan.refused) expect(r.why).toMatch(/^the data rows have errors \(data\.timestamp\w*\), so the episodes metadata cannot be confirmed against them$/);
    expect(fs.readFileSync(path.join(root, INFO))).toEqual(before);
  });

  it("plans nothing for a healthy dataset", async () => {
    expect(planTotals(await planInputFor(base))).toEqual({ steps: [], refused: [] });
  });
});
