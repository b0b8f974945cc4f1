/**
 * loadUnfinishedSave and reportUnfinishedSave: a save journal info.json has not counted is read
 * before the other checks (so they leave its episode out) and reported once, with what it left.
 */
import fs from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { SaveJournal } from "../../../src/dataset/save-journal.js";
import { SAVE_JOURNAL_PATH, sha256 } from "../../../src/dataset/save-journal.js";
import { writeSyntheticDataset } from "../../../src/dataset/synthetic.js";
import { checkInfo } from "../../../src/verify/checks/info.js";
import { loadUnfinishedSave, reportUnfinishedSave } from "../../../src/verify/checks/unfinished-save.js";
import { DATA_FILE, EPISODES_FILE, editInfo } from "../../helpers/corrupt.js";
import { tempDir } from "../../helpers/synthetic.js";
import { contextBefore, copyOf, findingsOf, verifyContext, writeVerifyBase } from "../../helpers/verify-context.js";

const NO_SUCH_PID = 2 ** 22 + 1; // above Linux's pid_max

describe("an unfinished save", () => {
  const dir = tempDir("lerobot-ts-unfinished-save-");
  const base = path.join(dir, "base");
  /** A dataset whose last episode (3) was saved but info.json still counts 3 episodes, as a kill before the commit leaves it. */
  const killed = path.join(dir, "killed");
  let journal: SaveJournal;
  beforeAll(async () => {
    await writeVerifyBase(base);
    fs.cpSync(base, killed, { recursive: true });
    editInfo(killed, (i) => { i.total_episodes = 3; i.total_frames = 300; i.splits = { train: "0:3" }; });
    // stats.json before the save: that of the first three episodes alone.
    const three = path.join(dir, "three");
    await writeSyntheticDataset({ root: three, episodes: 3, frames: 100, cameras: [] });
    const saved = fs.readFileSync(path.join(killed, "meta/stats.json"), "utf8");
    journal = {
      episodeIndex: 3, fromIndex: 300, length: 100, totalTasks: 1, newTasks: [],
      dataFile: DATA_FILE, episodesFile: EPISODES_FILE,
      committedStats: fs.readFileSync(path.join(three, "meta/stats.json"), "utf8"), savedStatsSha256: sha256(saved), pid: NO_SUCH_PID,
    };
    writeJournal(killed, journal);
  }, 60_000);
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  const writeJournal = (root: string, j: unknown) => {
    fs.mkdirSync(path.join(root, ".lerobot-ts"), { recursive: true });
    fs.writeFileSync(path.join(root, SAVE_JOURNAL_PATH), typeof j === "string" ? j : JSON.stringify(j));
  };

  const loaded = async (root: string) => {
    const ctx = verifyContext(root);
    await checkInfo(ctx);
    await loadUnfinishedSave(ctx);
    return ctx;
  };

  describe("loadUnfinishedSave", () => {
    it("takes the journal of a save info.json has not counted", async () => {
      expect((await loaded(killed)).pendingSave).toEqual(journal);
    });

    it("has nothing pending without a journal, with a garbled one, or once info.json counts the episode", async () => {
      expect((await loaded(base)).pendingSave).toBeUndefined();
      const garbled = copyOf(killed, dir, "garbled");
      writeJournal(garbled, "{\"episodeIndex\": 3");
      expect((await loaded(garbled)).pendingSave).toBeUndefined();
      // The journal of the save before the last one stayed behind: info.json counts that episode.
      const stale = copyOf(base, dir, "stale");
      writeJournal(stale, { ...journal, episodeIndex: 2, fromIndex: 200 });
      expect((await loaded(stale)).pendingSave).toBeUndefined();
    });
  });

  describe("reportUnfinishedSave", () => {
    it("warns once, naming the episode and what the save left past info.json", async () => {
      const { ctx } = await contextBefore(killed, "files");
      const found = await findingsOf(ctx, () => reportUnfinishedSave(ctx));
      expect(found.map((f) => [f.check, f.severity, f.file, f.episode])).toEqual([["dataset.unfinished_save", "warning", SAVE_JOURNAL_PATH, 3]]);
      expect(found[0]!.message).toBe(
        `the save of episode 3 (100 frames) was interrupted before meta/info.json counted it, leaving its row in ${EPISODES_FILE}, 100 rows in ${DATA_FILE} and meta/stats.json (which already counts it); ` +
        "verify checked the 3 episodes meta/info.json counts",
      );
      // The other checks saw only the committed episodes, so found nothing wrong.
      expect(ctx.findings.findings.filter((f) => f.check !== "dataset.unfinished_save")).toEqual([]);
      expect(ctx.episodes).toHaveLength(3);
    });

    it("says the save is in progress when its process holds the writer lock", async () => {
      const root = copyOf(killed, dir, "in-progress");
      writeJournal(root, { ...journal, pid: process.pid });
      fs.writeFileSync(path.join(root, ".lerobot-ts/lock"), `${process.pid}\n`);
      const ctx = await loaded(root);
      const found = await findingsOf(ctx, () => reportUnfinishedSave(ctx));
      expect(found.map((f) => f.check)).toEqual(["dataset.unfinished_save"]);
      expect(found[0]!.message).toBe(`episode 3 is being saved by a recording in progress (pid ${process.pid}); verify checked the 3 episodes meta/info.json counts`);
    });

    it("reports nothing when no save is pending", async () => {
      const ctx = await loaded(base);
      expect(await findingsOf(ctx, () => reportUnfinishedSave(ctx))).toEqual([]);
    });
  });
});
