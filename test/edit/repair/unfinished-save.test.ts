/**
 * planUnfinishedSave (dataset.unfinished_save): a save killed before info.json, its commit point,
 * is dropped as recording on with --resume drops it: its rows, episode row and task go, stats.json
 * is the committed one again, and the journal is removed. A dataset without the finding gets no step.
 */
import fs from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { SAVE_JOURNAL_PATH } from "../../../src/dataset/save-journal.js";
import type { SaveJournal } from "../../../src/dataset/save-journal.js";
import { planUnfinishedSave } from "../../../src/edit/repair/unfinished-save.js";
import { verifyDataset } from "../../../src/verify/verify.js";
import { DATA_FILE, EPISODES_FILE } from "../../helpers/corrupt.js";
import { openDuck, plain, sqlPath } from "../../helpers/duckdb.js";
import type { Duck } from "../../helpers/duckdb.js";
import { writeKilledSave } from "../../helpers/killed-save.js";
import { tempDir, writeSynthetic } from "../../helpers/synthetic.js";

const COMMITTED = [6, 5];

describe("planUnfinishedSave", () => {
  const dir = tempDir("lerobot-ts-repair-unfinished-");
  const killed = path.join(dir, "killed");
  let journal: SaveJournal;
  let duck: Duck;
  beforeAll(async () => {
    journal = await writeKilledSave(killed, COMMITTED, 4);
    duck = await openDuck();
  });
  afterAll(() => {
    duck.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it("plans dropping what the killed save of episode 2 left, naming the journal", async () => {
    const step = planUnfinishedSave(killed, (await verifyDataset(killed)).findings)!;
    expect(step).toMatchObject({ check: "dataset.unfinished_save", file: SAVE_JOURNAL_PATH, settles: ["dataset.unfinished_save"] });
    expect(step.what).toBe("dropped what the unfinished save of episode 2 left past meta/info.json, as recording on with --resume does");
  });

  it("applied, leaves only the committed episodes, their task and stats, and no journal", async () => {
    const root = path.join(dir, "applied");
    fs.cpSync(killed, root, { recursive: true });
    const q = (sql: string) => duck.rows(sql).then((rows) => rows.map(plain));
    // The leftovers are there before.
    expect(await q(`SELECT count(*) AS n FROM read_parquet(${sqlPath(path.join(root, DATA_FILE))})`)).toEqual([{ n: 15 }]);

    await planUnfinishedSave(root, (await verifyDataset(root)).findings)!.apply();
    expect(await q(`SELECT count(*) AS n, max("index") AS last, max(episode_index) AS episodes FROM read_parquet(${sqlPath(path.join(root, DATA_FILE))})`))
      .toEqual([{ n: 11, last: 10, episodes: 1 }]);
    expect(await q(`SELECT episode_index, length FROM read_parquet(${sqlPath(path.join(root, EPISODES_FILE))})`))
      .toEqual([{ episode_index: 0, length: 6 }, { episode_index: 1, length: 5 }]);
    expect(await q(`SELECT task_index FROM read_parquet(${sqlPath(path.join(root, "meta/tasks.parquet"))})`)).toEqual([{ task_index: 0 }]);
    expect(fs.readFileSync(path.join(root, "meta/stats.json"), "utf8")).toBe(journal.committedStats);
    expect(fs.existsSync(path.join(root, SAVE_JOURNAL_PATH))).toBe(false);
    const after = await verifyDataset(root);
    expect(after.findings.filter((f) => f.check !== "quality.short_episode")).toEqual([]);
  });

  it("plans nothing for a dataset whose saves all finished", async () => {
    const healthy = path.join(dir, "healthy");
    await (await writeSynthetic({ root: healthy, episodes: COMMITTED, cameras: [] })).finalize();
    expect(planUnfinishedSave(healthy, (await verifyDataset(healthy)).findings)).toBeUndefined();
  });
});
