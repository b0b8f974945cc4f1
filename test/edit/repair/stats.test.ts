/**
 * planStats (meta/stats.json missing, unreadable or stale): rebuilt by aggregating the episodes'
 * own stats, or from the data rows for a numeric feature whose episodes have none. The rebuilt
 * values are checked against DuckDB's aggregates over the data file. Refused when the episodes'
 * stats are themselves wrong or the metadata cannot be trusted; a healthy dataset gets no step.
 */
import fs from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parseStats } from "../../../src/dataset/stats.js";
import type { DatasetStats } from "../../../src/dataset/stats.js";
import { planStats } from "../../../src/edit/repair/stats.js";
import { DATA_FILE, editEpisodes, editJson, truncate } from "../../helpers/corrupt.js";
import { openDuck, sqlPath } from "../../helpers/duckdb.js";
import type { Duck } from "../../helpers/duckdb.js";
import { errorChecks, planInputFor } from "../../helpers/repair-plan-input.js";
import { caseCopies } from "../../helpers/case-copies.js";
import { tempDir, writeSynthetic } from "../../helpers/synthetic.js";

const LENGTHS = [5, 6, 4];
const STATS = "meta/stats.json";

describe("planStats", () => {
  const dir = tempDir("lerobot-ts-repair-stats-");
  const base = path.join(dir, "base");
  let duck: Duck;
  const copy = caseCopies(base, dir);
  const readStats = (root: string): DatasetStats => parseStats(JSON.parse(fs.readFileSync(path.join(root, STATS), "utf8")));

  /** Per dimension of a vector column: min, max, mean, population std and count over every row, as DuckDB computes them. */
  async function duckStats(root: string, column: string): Promise<{ min: number[]; max: number[]; mean: number[]; std: number[]; count: number }> {
    const rows = await duck.rows(`
      SELECT d, min(v) AS min, max(v) AS max, avg(v) AS mean, stddev_pop(v) AS std, count(*) AS n
      FROM (SELECT unnest("${column}") AS v, unnest(range(6)) AS d FROM read_parquet(${sqlPath(path.join(root, DATA_FILE))}))
      GROUP BY d ORDER BY d`);
    // + 0 makes -0 (action's first value) 0, as JSON writes it.
    const of = (name: string) => rows.map((r) => Number(r[name]) + 0);
    return { min: of("min"), max: of("max"), mean: of("mean"), std: of("std"), count: Number(rows[0]!.n) };
  }

  /** stats.json's stats of a feature equal to the data's, as DuckDB reads them (mean and std to 1e-6). */
  async function expectStatsOfData(root: string, column: string): Promise<void> {
    const expected = await duckStats(root, column);
    const stats = readStats(root)[column]!;
    expect(stats.min, column).toEqual(expected.min);
    expect(stats.max, column).toEqual(expected.max);
    expect(stats.count, column).toEqual([expected.count]);
    for (const [name, want] of [["mean", expected.mean], ["std", expected.std]] as const) {
      (stats[name] as number[]).forEach((v, d) => expect(v, `${column} ${name}[${d}]`).toBeCloseTo(want[d]!, 6));
    }
  }

  beforeAll(async () => {
    await (await writeSynthetic({ root: base, episodes: LENGTHS, cameras: [] })).finalize();
    duck = await openDuck();
  });
  afterAll(() => {
    duck.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it("rebuilds a deleted stats.json from the episodes' stats", async () => {
    const root = copy();
    fs.rmSync(path.join(root, STATS));
    const input = await planInputFor(root);
    const plan = await planStats(input);
    expect(plan.refused).toEqual([]);
    expect(plan.steps.map((s) => [s.check, s.file, s.settles, s.what])).toEqual([
      ["stats.missing", STATS, ["stats.missing"], "rebuilt from the stats of the 3 episodes in meta/episodes"],
    ]);
    expect(input.progressed).toEqual([{ phase: "stats", done: 0, total: 1 }, { phase: "stats", done: 1, total: 1 }]);

    await plan.steps[0]!.apply();
    await expectStatsOfData(root, "observation.state");
    await expectStatsOfData(root, "action");
    // Every feature the writer keeps stats of, in the same order.
    expect(Object.keys(readStats(root))).toEqual(Object.keys(readStats(base)));
    expect(await errorChecks(root)).toEqual([]);
  });

  it("rebuilds one cut short and one whose values or counts are stale, settling what verify found", async () => {
    for (const [check, damage] of [
      ["stats.unreadable", (root: string) => truncate(path.join(root, STATS), 100)],
      ["stats.count", (root: string) => editJson(path.join(root, STATS), (s) => { (s.action as Record<string, number[]>).count = [7]; })],
      ["stats.episode_mismatch", (root: string) => editJson(path.join(root, STATS), (s) => { (s.action as Record<string, number[]>).mean![2]! += 0.5; })],
    ] as const) {
      const root = copy();
      damage(root);
      const plan = await planStats(await planInputFor(root));
      expect(plan.steps.map((s) => s.check), check).toEqual([check]);
      expect(plan.steps[0]!.settles, check).toContain(check);
      await plan.steps[0]!.apply();
      await expectStatsOfData(root, "action");
      expect(await errorChecks(root), check).toEqual([]);
    }
  });

  it("computes a numeric feature's stats from the rows where the episodes have none", async () => {
    const root = copy();
    await editEpisodes(root, () => {}, (t) => t.select(t.schema.fields.map((f) => f.name).filter((n) => !n.startsWith("stats/action/"))));
    fs.rmSync(path.join(root, STATS));
    const plan = await planStats(await planInputFor(root));
    expect(plan.steps[0]!.what).toBe("rebuilt from the stats of the 3 episodes in meta/episodes; 'action' computed from the data of the episodes that had no stats for them");
    await plan.steps[0]!.apply();
    await expectStatsOfData(root, "action");
    await expectStatsOfData(root, "observation.state");
  });

  it("refuses to aggregate episode stats that disagree with their data", async () => {
    const root = copy();
    await editEpisodes(root, (records) => { (records[1]!.stats.action!.max as number[])[0]! += 100; });
    fs.rmSync(path.join(root, STATS));
    const plan = await planStats(await planInputFor(root));
    expect(plan.steps).toEqual([]);
    expect(plan.refused).toEqual([{ check: "stats.missing", file: STATS, why: "the episodes' own stats are wrong (stats.episode_data): aggregating them would write wrong stats" }]);
  });

  it("refuses when the episodes metadata has errors", async () => {
    const root = copy();
    await editEpisodes(root, (records) => { records[0]!.tasks = []; });
    fs.rmSync(path.join(root, STATS));
    const plan = await planStats(await planInputFor(root));
    expect(plan.steps).toEqual([]);
    expect(plan.refused.map((r) => r.check)).toEqual(["stats.missing"]);
    expect(plan.refused[0]!.why).toMatch(/^the metadata itself has errors \(episodes\.tasks\)/);
  });

  it("plans nothing for a healthy dataset", async () => {
    const input = await planInputFor(base);
    expect(await planStats(input)).toEqual({ steps: [], refused: [] });
    expect(input.progressed).toEqual([]);
  });
});
