/**
 * loadTrustedMetadata: the info.json, tasks and episodes repair relies on to say which rows and
 * files belong to the dataset, loaded only when verify found no error in them. Stale totals in
 * info.json are not damage (repair recomputes them); any other metadata error, or a file that can
 * no longer be read, makes it untrusted with the reason.
 */
import fs from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { INFO_TOTALS, loadTrustedMetadata } from "../../../src/edit/repair/metadata.js";
import type { TrustedMetadata } from "../../../src/edit/repair/types.js";
import { verifyDataset } from "../../../src/verify/verify.js";
import { EPISODES_FILE, editEpisodes, editInfo } from "../../helpers/corrupt.js";
import { openDuck, plain, sqlPath } from "../../helpers/duckdb.js";
import { caseCopies } from "../../helpers/case-copies.js";
import { tempDir, writeSynthetic } from "../../helpers/synthetic.js";

const LENGTHS = [5, 6, 4];

describe("loadTrustedMetadata", () => {
  const dir = tempDir("lerobot-ts-repair-meta-");
  const base = path.join(dir, "base");
  const copy = caseCopies(base, dir);
  const load = async (root: string) => {
    const report = await verifyDataset(root, { maxFindingsPerCheck: Infinity });
    return loadTrustedMetadata(root, report, report.findings);
  };
  beforeAll(async () => {
    await (await writeSynthetic({ root: base, episodes: LENGTHS, cameras: [], tasks: (e) => (e === 1 ? "place" : "pick") })).finalize();
  });
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  it("loads info.json, the tasks and every episode of a sound dataset", async () => {
    const meta = (await load(base)) as TrustedMetadata;
    expect(meta.info.total_episodes).toBe(3);
    expect(meta.tasks).toEqual(["pick", "place"]);
    // The episodes as an independent reader sees meta/episodes.
    const duck = await openDuck();
    try {
      const rows = (await duck.rows(`SELECT episode_index, length, dataset_from_index, dataset_to_index FROM read_parquet(${sqlPath(path.join(base, EPISODES_FILE))})`)).map(plain);
      expect(meta.episodes.map((e) => ({ episode_index: e.episodeIndex, length: e.length, dataset_from_index: e.datasetFromIndex, dataset_to_index: e.datasetToIndex }))).toEqual(rows);
    } finally {
      duck.close();
    }
  });

  it("still trusts a dataset whose info.json totals are stale: those are repair's to recompute", async () => {
    const root = copy();
    editInfo(root, (i) => { i.total_episodes = 2; i.total_frames = 11; i.total_tasks = 1; i.splits = { train: "0:2" }; });
    const report = await verifyDataset(root, { maxFindingsPerCheck: Infinity });
    const errors = new Set(report.findings.filter((f) => f.severity === "error").map((f) => f.check));
    expect([...errors].filter((c) => c.startsWith("info."))).toEqual(expect.arrayContaining(["info.total_episodes", "info.total_frames", "info.total_tasks"]));
    expect([...errors].every((c) => !c.startsWith("info.") || INFO_TOTALS.includes(c as never))).toBe(true);
    const meta = await loadTrustedMetadata(root, report, report.findings);
    expect("untrusted" in meta).toBe(false);
    expect((meta as TrustedMetadata).episodes).toHaveLength(3);
  });

  it("does not trust metadata verify found errors in, and names the checks", async () => {
    const root = copy();
    await editEpisodes(root, (records) => { records[2]!.tasks = []; });
    expect(await load(root)).toEqual({ untrusted: "the metadata itself has errors (episodes.tasks), so repair cannot tell which rows and files belong to the dataset" });
  });

  it("does not trust metadata that can no longer be read after verify", async () => {
    const root = copy();
    const report = await verifyDataset(root, { maxFindingsPerCheck: Infinity });
    fs.rmSync(path.join(root, "meta/tasks.parquet"));
    const meta = await loadTrustedMetadata(root, report, report.findings);
    expect(meta).toEqual({ untrusted: expect.stringMatching(/^the metadata could not be read again: /) });
  });
});
