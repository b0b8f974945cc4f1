/** checkEpisodes: meta/episodes files readable, LeRobot's columns, rows in order with contiguous ranges. */
import fs from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { CheckId } from "../../../src/verify/catalog.js";
import { checkEpisodes } from "../../../src/verify/checks/episodes.js";
import type { EpisodeRecord } from "../../../src/dataset/episodes.js";
import { EPISODES_FILE, editEpisodes, truncate, withColumn } from "../../helpers/corrupt.js";
import { tempDir } from "../../helpers/synthetic.js";
import { contextBefore, copyOf, findingsOf, writeVerifyBase } from "../../helpers/verify-context.js";

interface Case {
  name: string;
  edit: (records: EpisodeRecord[]) => void;
  expect: { check: CheckId; episode: number };
  then?: CheckId[];
}

const CASES: Case[] = [
  // Swapped rows: both are out of place, and their ranges no longer follow on.
  { name: "episodes out of order", edit: (e) => { [e[1], e[2]] = [e[2]!, e[1]!]; }, expect: { check: "episodes.order", episode: 2 }, then: ["episodes.contiguous", "episodes.order", "episodes.contiguous", "episodes.contiguous"] },
  { name: "a range that does not start where the last ended", edit: (e) => { e[2]!.datasetFromIndex += 1; }, expect: { check: "episodes.contiguous", episode: 2 }, then: ["episodes.length"] },
  { name: "a length that disagrees with the range", edit: (e) => { e[1]!.length += 1; }, expect: { check: "episodes.length", episode: 1 } },
  { name: "an episode with no task", edit: (e) => { e[0]!.tasks = []; }, expect: { check: "episodes.tasks", episode: 0 } },
  { name: "a task tasks.parquet does not have", edit: (e) => { e[1]!.tasks = ["fly to the moon"]; }, expect: { check: "tasks.unknown", episode: 1 } },
  { name: "a row that names another metadata file", edit: (e) => { e[3]!.metaFileIndex = 4; }, expect: { check: "episodes.meta_location", episode: 3 } },
];

describe("checkEpisodes", () => {
  const dir = tempDir("lerobot-ts-episodes-");
  const base = path.join(dir, "base");
  beforeAll(() => writeVerifyBase(base), 60_000);
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  const episodesOf = async (root: string) => {
    const { ctx } = await contextBefore(root, "episodes");
    const found = await findingsOf(ctx, () => checkEpisodes(ctx));
    return { ctx, found };
  };

  it("loads every episode row in order with no findings", async () => {
    const { ctx, found } = await episodesOf(base);
    expect(found).toEqual([]);
    expect(ctx.episodes!.map((e) => [e.episodeIndex, e.datasetFromIndex, e.datasetToIndex])).toEqual([[0, 0, 100], [1, 100, 200], [2, 200, 300], [3, 300, 400]]);
    expect(ctx.referenced.has(path.join(base, EPISODES_FILE))).toBe(true);
  });

  it.for(CASES.map((c) => [c.name, c] as const))("reports %s", async ([, c]) => {
    const root = copyOf(base, dir, c.name);
    await editEpisodes(root, c.edit);
    const { found } = await episodesOf(root);
    expect(found.map((f) => f.check), JSON.stringify(found.map((f) => f.message))).toEqual([c.expect.check, ...(c.then ?? [])]);
    expect(found[0]).toMatchObject(c.expect);
  });

  it("reports a deleted meta/episodes folder, and leaves no episodes", async () => {
    const root = copyOf(base, dir, "missing");
    fs.rmSync(path.join(root, "meta/episodes"), { recursive: true });
    const { ctx, found } = await episodesOf(root);
    expect(found.map((f) => [f.check, f.file])).toEqual([["episodes.missing", "meta/episodes"]]);
    expect(ctx.episodes).toBeUndefined();
  });

  it("reports a file cut short and one that lacks a column", async () => {
    const cut = copyOf(base, dir, "cut");
    truncate(path.join(cut, EPISODES_FILE), -100);
    expect((await episodesOf(cut)).found.map((f) => [f.check, f.file])).toEqual([["episodes.no_footer", EPISODES_FILE]]);

    const lacking = copyOf(base, dir, "lacking");
    await editEpisodes(lacking, () => {}, (t) => withColumn(t, "length", undefined));
    const { found } = await episodesOf(lacking);
    expect(found.map((f) => [f.check, f.file])).toEqual([["episodes.columns", EPISODES_FILE]]);
    expect(found[0]!.message).toBe(`${EPISODES_FILE} lacks column 'length'`);
  });
});
