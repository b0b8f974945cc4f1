/** checkStats: meta/stats.json and the episodes' stats columns against the features and the data. */
import fs from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { CheckId } from "../../../src/verify/catalog.js";
import { checkStats } from "../../../src/verify/checks/stats.js";
import { editEpisodes, editJson, truncate } from "../../helpers/corrupt.js";
import { tempDir } from "../../helpers/synthetic.js";
import { contextBefore, copyOf, findingsOf, writeVerifyBase } from "../../helpers/verify-context.js";

const STATS = "meta/stats.json";
type Stats = Record<string, Record<string, number[]>>;
const editStats = (root: string, edit: (s: Stats) => void) => editJson(path.join(root, STATS), edit as (json: Record<string, unknown>) => void);

interface Case {
  name: string;
  apply: (root: string) => void | Promise<void>;
  expect: { check: CheckId; file?: string; column?: string; episode?: number };
  then?: CheckId[];
}

const CASES: Case[] = [
  { name: "a deleted stats.json", apply: (r) => fs.rmSync(path.join(r, STATS)), expect: { check: "stats.missing", file: STATS } },
  { name: "a stats.json cut short", apply: (r) => truncate(path.join(r, STATS), 100), expect: { check: "stats.unreadable", file: STATS } },
  { name: "a feature without stats", apply: (r) => editStats(r, (s) => { delete s.action; }), expect: { check: "stats.feature_missing", file: STATS, column: "action" } },
  { name: "stats of the wrong width", apply: (r) => editStats(r, (s) => { s.action!.min!.pop(); }), expect: { check: "stats.shape", file: STATS, column: "action" } },
  { name: "stats whose min is not an array", apply: (r) => editStats(r, (s) => { (s.action as Record<string, unknown>).min = "low"; }), expect: { check: "stats.malformed", file: STATS, column: "action" } },
  { name: "a count that is not total_frames", apply: (r) => editStats(r, (s) => { s.action!.count = [7]; }), expect: { check: "stats.count", file: STATS, column: "action" }, then: ["stats.episode_mismatch"] },
  { name: "stats.json stale against the episodes' stats", apply: (r) => editStats(r, (s) => { s.action!.mean![2]! += 0.5; }), expect: { check: "stats.episode_mismatch", file: STATS, column: "action" } },
  { name: "an episode's stats that disagree with its data", apply: (r) => editEpisodes(r, (e) => { (e[1]!.stats.action!.min as number[])[0]! -= 5; }), expect: { check: "stats.episode_data", episode: 1, column: "action" } },
];

describe("checkStats", () => {
  const dir = tempDir("lerobot-ts-stats-");
  const base = path.join(dir, "base");
  beforeAll(() => writeVerifyBase(base), 60_000);
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  const statsOf = async (root: string) => {
    const { ctx } = await contextBefore(root, "stats");
    return findingsOf(ctx, () => checkStats(ctx));
  };

  it("finds nothing in a healthy dataset, and marks stats.json as used", async () => {
    const { ctx } = await contextBefore(base, "stats");
    expect(await findingsOf(ctx, () => checkStats(ctx))).toEqual([]);
    expect(ctx.referenced.has(path.join(base, STATS))).toBe(true);
  });

  it.for(CASES.map((c) => [c.name, c] as const))("reports %s", async ([, c]) => {
    const root = copyOf(base, dir, c.name);
    await c.apply(root);
    const found = await statsOf(root);
    expect(found.map((f) => f.check), JSON.stringify(found.map((f) => f.message))).toEqual([c.expect.check, ...(c.then ?? [])]);
    expect(found[0]).toMatchObject({ ...c.expect, severity: "error" });
  });

  it("reports NaN in stats without comparing it further", async () => {
    const root = copyOf(base, dir, "nan");
    fs.writeFileSync(path.join(root, STATS), fs.readFileSync(path.join(root, STATS), "utf8").replace(/("mean": \[\s*)(-?[0-9.e+-]+)/, "$1NaN"));
    const found = await statsOf(root);
    expect(found[0]).toMatchObject({ check: "stats.non_finite", file: STATS });
  });

  it("reports min above max as inconsistent", async () => {
    const root = copyOf(base, dir, "order");
    editStats(root, (s) => { s.action!.min![0] = 1e6; });
    const found = await statsOf(root);
    expect(found[0]).toMatchObject({ check: "stats.order", file: STATS, column: "action" });
  });

  it("warns when the episodes lack a feature's stats columns", async () => {
    const root = copyOf(base, dir, "episode-missing");
    await editEpisodes(root, () => {}, (t) => t.select(t.schema.fields.map((f) => f.name).filter((n) => !n.startsWith("stats/action/"))));
    const found = await statsOf(root);
    expect(found.map((f) => [f.check, f.severity])).toContainEqual(["stats.episode_missing", "warning"]);
  });
});
