/** checkTasks and checkUnusedTasks: meta/tasks.parquet readable, pandas-indexed, 0..n-1, unique, used. */
import fs from "node:fs";
import path from "node:path";
import * as arrow from "apache-arrow";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { checkTasks, checkUnusedTasks } from "../../../src/verify/checks/tasks.js";
import { editInfo, pickRows, rewriteParquet, truncate, withColumn } from "../../helpers/corrupt.js";
import { tempDir } from "../../helpers/synthetic.js";
import { contextBefore, copyOf, findingsOf, idAndFile, writeVerifyBase } from "../../helpers/verify-context.js";

const TASKS = "meta/tasks.parquet";

describe("checkTasks", () => {
  const dir = tempDir("lerobot-ts-tasks-");
  const base = path.join(dir, "base");
  beforeAll(() => writeVerifyBase(base), 60_000);
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  const tasksOf = async (root: string) => {
    const { ctx } = await contextBefore(root, "tasks");
    const found = await findingsOf(ctx, () => checkTasks(ctx));
    return { ctx, found };
  };

  it("loads the task texts in row order with no findings", async () => {
    const { ctx, found } = await tasksOf(base);
    expect(found).toEqual([]);
    expect(ctx.tasks).toEqual(["Move the arm through a synthetic reach"]); // writeSyntheticDataset's default task
  });

  it("reports a missing file and one cut short", async () => {
    const missing = copyOf(base, dir, "missing");
    fs.rmSync(path.join(missing, TASKS));
    expect((await tasksOf(missing)).found.map(idAndFile)).toEqual([{ check: "tasks.missing", file: TASKS }]);

    const cut = copyOf(base, dir, "cut");
    truncate(path.join(cut, TASKS), -8);
    const { ctx, found } = await tasksOf(cut);
    expect(found.map(idAndFile)).toEqual([{ check: "tasks.no_footer", file: TASKS }]);
    expect(ctx.tasks).toBeUndefined();
  });

  it("reports a file without the pandas index but still reads its texts", async () => {
    const root = copyOf(base, dir, "no-pandas");
    await rewriteParquet(path.join(root, TASKS), (t) => t, { keepMetadata: false });
    const { ctx, found } = await tasksOf(root);
    expect(found.map(idAndFile)).toEqual([{ check: "tasks.schema", file: TASKS }]);
    expect(ctx.tasks).toHaveLength(1);
  });

  it("reports task_index that is not the row number", async () => {
    const root = copyOf(base, dir, "index");
    await rewriteParquet(path.join(root, TASKS), (t) => withColumn(t, "task_index", arrow.vectorFromArray([7n], new arrow.Int64())));
    const { found } = await tasksOf(root);
    expect(found.map(idAndFile)).toEqual([{ check: "tasks.index", file: TASKS }]);
    expect(found[0]).toMatchObject({ row: 0, message: "meta/tasks.parquet row 0 has task_index 7; Python reads row 0 as task 0" });
  });

  it("reports a task text held by two rows", async () => {
    const root = copyOf(base, dir, "duplicate");
    await rewriteParquet(path.join(root, TASKS), (t) => withColumn(pickRows(t, [0, 0]), "task_index", arrow.vectorFromArray([0n, 1n], new arrow.Int64())));
    const { found } = await tasksOf(root);
    expect(found.map((f) => [f.check, f.row])).toEqual([["tasks.duplicate", 1]]);
  });
});

describe("checkUnusedTasks", () => {
  const dir = tempDir("lerobot-ts-unused-tasks-");
  const base = path.join(dir, "base");
  beforeAll(() => writeVerifyBase(base), 60_000);
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  it("finds nothing when every task is used", async () => {
    const { ctx } = await contextBefore(base, "unusedTasks");
    expect(await findingsOf(ctx, () => checkUnusedTasks(ctx))).toEqual([]);
  });

  it("warns of a task no episode names and no row uses", async () => {
    const root = copyOf(base, dir, "unused");
    await rewriteParquet(path.join(root, TASKS), (t) => {
      const two = pickRows(t, [0, 0]);
      return withColumn(withColumn(two, "task_index", arrow.vectorFromArray([0n, 1n], new arrow.Int64())), "task", arrow.vectorFromArray([t.getChild("task")!.get(0) as string, "wave"], new arrow.Utf8()));
    });
    editInfo(root, (i) => { i.total_tasks = 2; });
    const { ctx } = await contextBefore(root, "unusedTasks");
    const found = await findingsOf(ctx, () => checkUnusedTasks(ctx));
    expect(found.map(idAndFile)).toEqual([{ check: "tasks.unused", file: TASKS }]);
    expect(found[0]).toMatchObject({ severity: "warning", row: 1, message: "task 1 'wave' is used by no episode" });
  });

  it("says nothing under --max-episodes, when the data of only some episodes was read", async () => {
    const { ctx } = await contextBefore(base, "unusedTasks", { maxEpisodes: 1 });
    ctx.tasks!.push("wave");
    expect(await findingsOf(ctx, () => checkUnusedTasks(ctx))).toEqual([]);
  });
});
