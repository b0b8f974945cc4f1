/**
 * The state a recording killed just before info.json's rename leaves: the last episode's task,
 * data rows, episode row and stats.json written, info.json still counting the episodes before,
 * and the save's journal describing exactly that (as test/dataset/save-journal.test.ts makes it).
 */
import fs from "node:fs";
import path from "node:path";
import type { SaveJournal } from "../../src/dataset/save-journal.js";
import { SAVE_JOURNAL_PATH, sha256 } from "../../src/dataset/save-journal.js";
import { makeFrame, writeSynthetic } from "./synthetic.js";

/** `committed` episodes of task "pick" that info.json counts, then one of `unfinished` frames and task "place" it does not. */
export async function writeKilledSave(root: string, committed: number[], unfinished: number): Promise<SaveJournal> {
  const writer = await writeSynthetic({ root, episodes: committed, cameras: [], tasks: () => "pick" });
  const committedInfo = fs.readFileSync(path.join(root, "meta/info.json"), "utf8");
  const committedStats = fs.readFileSync(path.join(root, "meta/stats.json"), "utf8");
  for (let k = 0; k < unfinished; k++) await writer.addFrame(makeFrame(committed.length, k, [], 0, 0, "place"));
  await writer.saveEpisode();
  await writer.finalize();
  const journal: SaveJournal = {
    episodeIndex: committed.length, fromIndex: committed.reduce((a, b) => a + b, 0), length: unfinished, totalTasks: 1, newTasks: ["place"],
    dataFile: "data/chunk-000/file-000.parquet", episodesFile: "meta/episodes/chunk-000/file-000.parquet",
    committedStats, savedStatsSha256: sha256(fs.readFileSync(path.join(root, "meta/stats.json"), "utf8")),
    pid: 2 ** 22 + 1, // above Linux's pid_max: no such process
  };
  fs.writeFileSync(path.join(root, "meta/info.json"), committedInfo);
  fs.mkdirSync(path.join(root, ".lerobot-ts"), { recursive: true });
  fs.writeFileSync(path.join(root, SAVE_JOURNAL_PATH), JSON.stringify(journal));
  return journal;
}
