/**
 * checkData: the data files against the episodes metadata (missing, unclosed, unreadable files;
 * the global index; each episode's rows; frame_index; timestamps; task_index; NaN), and the
 * per-episode signals it leaves for the stats and quality checks.
 */
import fs from "node:fs";
import path from "node:path";
import * as arrow from "apache-arrow";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { CheckId } from "../../../src/verify/catalog.js";
import { checkData } from "../../../src/verify/checks/data.js";
import { DATA_FILE, mapNumeric, pickRows, rewriteParquet, truncate, withColumn } from "../../helpers/corrupt.js";
import { tempDir } from "../../helpers/synthetic.js";
import { contextBefore, copyOf, findingsOf, writeVerifyBase } from "../../helpers/verify-context.js";

const FRAMES = 100; // per episode, 4 episodes in the one data file

interface Case {
  name: string;
  apply: (file: string) => void | Promise<void>;
  /** The first finding expected: its check id and where. */
  expect: { check: CheckId; episode?: number; row?: number; column?: string };
  /** The findings that follow from the same damage, by check id. */
  then?: CheckId[];
}

const rewrite = (edit: Parameters<typeof rewriteParquet>[1]) => (file: string) => rewriteParquet(file, edit);
const i64 = (v: unknown) => v as BigInt64Array;
const f32 = (v: unknown) => v as Float32Array;

const CASES: Case[] = [
  // A file that cannot be read also leaves its episodes without data.
  { name: "a deleted data file", apply: (f) => fs.rmSync(f), expect: { check: "data.missing_file", episode: 0 }, then: ["data.missing_file"] },
  { name: "a data file without footer", apply: (f) => truncate(f, -8), expect: { check: "data.no_footer", episode: 0 }, then: ["data.missing_file"] },
  { name: "a data file of zero bytes", apply: (f) => fs.writeFileSync(f, ""), expect: { check: "data.unreadable" }, then: ["data.missing_file"] },
  {
    name: "a null in a feature column",
    apply: rewrite((t) => withColumn(t, "observation.state", arrow.vectorFromArray(Array.from({ length: t.numRows }, (_, i) => (i === 5 ? null : Array.from(t.getChild("observation.state")!.get(i) as arrow.Vector))), t.getChild("observation.state")!.type))),
    expect: { check: "data.nulls", column: "observation.state" },
  },
  { name: "an index gap at row 150", apply: rewrite((t) => mapNumeric(t, "index", (v) => { for (let i = 150; i < v.length; i++) i64(v)[i]! += 1n; })), expect: { check: "data.index", row: 150, column: "index" }, then: ["data.episode_rows", "data.episode_rows"] },
  // One stray row splits episode 1 in two around a run of episode 0.
  { name: "a row of episode 0 inside episode 1", apply: rewrite((t) => mapNumeric(t, "episode_index", (v) => { i64(v)[150] = 0n; })), expect: { check: "data.episode_rows", episode: 1, row: 100 }, then: ["data.episode_rows", "data.episode_rows"] },
  { name: "frame_index restarting mid-episode", apply: rewrite((t) => mapNumeric(t, "frame_index", (v) => { i64(v)[120] = 0n; })), expect: { check: "data.frame_index", episode: 1, row: 120, column: "frame_index" } },
  { name: "3 ms of timestamp jitter", apply: rewrite((t) => mapNumeric(t, "timestamp", (v) => { f32(v)[140]! += 0.003; })), expect: { check: "data.timestamp", episode: 1, row: 140, column: "timestamp" } },
  { name: "a frame missing in time", apply: rewrite((t) => mapNumeric(t, "timestamp", (v) => { for (let i = 250; i < 300; i++) f32(v)[i]! += 1 / 30; })), expect: { check: "data.timestamp_gap", episode: 2, row: 250, column: "timestamp" } },
  // The frame after a repeated one is two periods on.
  { name: "a repeated timestamp", apply: rewrite((t) => mapNumeric(t, "timestamp", (v) => { f32(v)[260] = f32(v)[259]!; })), expect: { check: "data.timestamp_repeat", episode: 2, row: 260, column: "timestamp" }, then: ["data.timestamp_gap"] },
  { name: "NaN in action", apply: rewrite((t) => mapNumeric(t, "action", (v) => { f32(v)[6 * 42 + 3] = NaN; })), expect: { check: "data.non_finite", episode: 0, row: 42, column: "action" } },
  { name: "a task_index past tasks.parquet", apply: rewrite((t) => mapNumeric(t, "task_index", (v) => { for (let i = 100; i < 200; i++) i64(v)[i] = 3n; })), expect: { check: "data.task_index", episode: 1, row: 100, column: "task_index" } },
  {
    name: "rows past the last episode",
    apply: rewrite((t) => t.concat(mapNumeric(mapNumeric(pickRows(t, [0, 1, 2]), "episode_index", (v) => i64(v).fill(4n)), "index", (v) => { for (let i = 0; i < 3; i++) i64(v)[i] = BigInt(4 * FRAMES + i); }))),
    expect: { check: "data.unreferenced_rows", episode: 4, row: 400 },
  },
];

describe("checkData", () => {
  const dir = tempDir("lerobot-ts-data-");
  const base = path.join(dir, "base");
  beforeAll(() => writeVerifyBase(base), 60_000);
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  it("finds nothing in a healthy dataset and keeps each episode's signals", async () => {
    const { ctx } = await contextBefore(base, "data");
    expect(await findingsOf(ctx, () => checkData(ctx))).toEqual([]);
    expect([...ctx.signals.keys()]).toEqual([0, 1, 2, 3]);
    const action = ctx.signals.get(2)!.features.get("action")!;
    expect(action.dim).toBe(6);
    expect(Array.from(action.count)).toEqual([FRAMES, FRAMES, FRAMES, FRAMES, FRAMES, FRAMES]);
    expect(ctx.usedTaskIndices).toEqual(new Set([0]));
    expect(ctx.referenced.has(path.join(base, DATA_FILE))).toBe(true);
  });

  it("reads only the first episodes under maxEpisodes", async () => {
    const { ctx } = await contextBefore(base, "data", { maxEpisodes: 2 });
    await checkData(ctx);
    expect([...ctx.signals.keys()]).toEqual([0, 1]);
  });

  it.for(CASES.map((c) => [c.name, c] as const))("reports %s", async ([, c]) => {
    const root = copyOf(base, dir, c.name);
    await c.apply(path.join(root, DATA_FILE));
    const { ctx } = await contextBefore(root, "data");
    const found = await findingsOf(ctx, () => checkData(ctx));
    expect(found.map((f) => f.check), JSON.stringify(found.map((f) => f.message))).toEqual([c.expect.check, ...(c.then ?? [])]);
    expect(found[0]).toMatchObject({ ...c.expect, file: DATA_FILE, severity: "error" });
    expect(found[0]!.message).not.toMatch(/\n/);
  });

  it("reports a one-frame action spike as a quality warning, with the frame", async () => {
    const root = copyOf(base, dir, "spike");
    await rewriteParquet(path.join(root, DATA_FILE), (t) => mapNumeric(t, "action", (v) => { f32(v)[6 * 160 + 1]! += 500; }));
    const { ctx } = await contextBefore(root, "data");
    const found = await findingsOf(ctx, () => checkData(ctx));
    expect(found.map((f) => f.check)).toEqual(["quality.action_jump"]);
    expect(found[0]).toMatchObject({ severity: "warning", episode: 1, row: 160, column: "action", file: DATA_FILE });
    expect(found[0]!.message).toMatch(/^episode 1: action shoulder_lift\.pos jumps by 500\.\d+ at frame 60/);
  });
});
