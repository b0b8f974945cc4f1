/**
 * An unfinished save read through its journal: the state a recording killed just before
 * info.json's rename leaves (tasks, data rows, the episode row and stats.json of episode N
 * switched, info.json still counting N episodes), made by saving N+1 episodes and putting the
 * N-episode info.json back beside the journal the save wrote. verify and openDataset see the N
 * committed episodes with one warning; whatever the journal does not describe is still an error;
 * repair drops the leftovers. (test/writer-crash-points.test.ts kills real saves at every step.)
 */
import fs from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openDataset } from "../../src/dataset/reader.js";
import type { SaveJournal } from "../../src/dataset/save-journal.js";
import { SAVE_JOURNAL_PATH, sha256 } from "../../src/dataset/save-journal.js";
import { repairDataset } from "../../src/edit/repair.js";
import { verifyDataset } from "../../src/verify/verify.js";
import { makeFrame, tempDir, writeSynthetic } from "../helpers/synthetic.js";

const LENGTHS = [6, 5, 7];
const NEW_LENGTH = 4;
const COMMITTED_FRAMES = LENGTHS.reduce((a, b) => a + b, 0);

let dir: string;
/** A dataset killed before info.json's rename while saving episode 3 (with a new task). */
let template: string;
let journal: SaveJournal;
beforeAll(async () => {
  dir = tempDir();
  template = path.join(dir, "template");
  const writer = await writeSynthetic({ root: template, episodes: LENGTHS, cameras: [], tasks: () => "pick" });
  const committedInfo = fs.readFileSync(path.join(template, "meta/info.json"), "utf8");
  const committedStats = fs.readFileSync(path.join(template, "meta/stats.json"), "utf8");
  for (let k = 0; k < NEW_LENGTH; k++) await writer.addFrame(makeFrame(LENGTHS.length, k, [], 0, 0, "place"));
  await writer.saveEpisode();
  await writer.finalize();
  journal = {
    episodeIndex: LENGTHS.length, fromIndex: COMMITTED_FRAMES, length: NEW_LENGTH, totalTasks: 1, newTasks: ["place"],
    dataFile: "data/chunk-000/file-000.parquet", episodesFile: "meta/episodes/chunk-000/file-000.parquet",
    committedStats, savedStatsSha256: sha256(fs.readFileSync(path.join(template, "meta/stats.json"), "utf8")),
    pid: 2 ** 22 + 1, // above Linux's pid_max: no such process
  };
  fs.writeFileSync(path.join(template, "meta/info.json"), committedInfo);
});
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

let copies = 0;
function killedSave(change: Partial<SaveJournal> | null = {}): string {
  const root = path.join(dir, `copy-${++copies}`);
  fs.cpSync(template, root, { recursive: true });
  if (change) {
    fs.mkdirSync(path.join(root, ".lerobot-ts"), { recursive: true });
    fs.writeFileSync(path.join(root, SAVE_JOURNAL_PATH), JSON.stringify({ ...journal, ...change }));
  }
  return root;
}

async function checksOf(root: string): Promise<{ errors: string[]; warnings: string[] }> {
  const report = await verifyDataset(root);
  const of = (severity: string) => [...new Set(report.findings.filter((f) => f.severity === severity).map((f) => f.check))].sort();
  return { errors: of("error"), warnings: of("warning").filter((c) => c !== "quality.short_episode") };
}

describe("an unfinished save, read through its journal", () => {
  it("verifies with one warning naming the save, what it left and the command that drops it", async () => {
    const report = await verifyDataset(killedSave());
    expect(report.summary.errors).toBe(0);
    const warning = report.findings.find((f) => f.check === "dataset.unfinished_save")!;
    expect(warning.message).toBe(
      "the save of episode 3 (4 frames) was interrupted before meta/info.json counted it, leaving 1 task in meta/tasks.parquet, " +
      "its row in meta/episodes/chunk-000/file-000.parquet, 4 rows in data/chunk-000/file-000.parquet and meta/stats.json (which already counts it); " +
      "verify checked the 3 episodes meta/info.json counts",
    );
    expect(warning.hint).toContain("lerobot-ts repair");
    expect(report.dataset).toMatchObject({ episodes: 3, frames: COMMITTED_FRAMES, tasks: 1 });
  });

  it("opens as the committed episodes, tasks and stats", async () => {
    const ds = await openDataset(killedSave());
    expect(ds.episodes.map((e) => e.length)).toEqual(LENGTHS);
    expect(ds.tasks).toEqual(["pick"]);
    expect(ds.stats!["observation.state"]!.count).toEqual([COMMITTED_FRAMES]);
    expect((await ds.readFrames()).numRows).toBe(COMMITTED_FRAMES);
  });

  it("says so when the process that wrote the journal still holds the writer lock", async () => {
    const root = killedSave({ pid: process.pid });
    fs.writeFileSync(path.join(root, ".lerobot-ts/lock"), `${process.pid}\n`);
    const report = await verifyDataset(root);
    expect(report.summary.errors).toBe(0);
    expect(report.findings.find((f) => f.check === "dataset.unfinished_save")!.message).toBe(
      `episode 3 is being saved by a recording in progress (pid ${process.pid}); verify checked the 3 episodes meta/info.json counts`,
    );
  });

  it("hides nothing the journal does not describe", async () => {
    // Each leftover is left out only when it is exactly what the journal says; what is not stays,
    // and whatever it contradicts in the committed dataset is an error.
    const counts = ["info.total_episodes", "info.total_frames"];
    const staleStats = ["stats.count", "stats.episode_mismatch"];
    // No journal (a folder copied without .lerobot-ts): info.json's counts disagree with the files.
    expect((await checksOf(killedSave(null))).errors).toEqual([...counts, "info.total_tasks"]);
    // A journal that is not one explains nothing.
    const garbled = killedSave();
    fs.writeFileSync(path.join(garbled, SAVE_JOURNAL_PATH), "{\"episodeIndex\": 3");
    expect((await checksOf(garbled)).errors).toEqual([...counts, "info.total_tasks"]);
    // Another length, or another data file: the episode row and its rows stay, with their task and stats.
    const unexplainedEpisode = ["data.task_index", ...counts, ...staleStats, "tasks.unknown"];
    expect((await checksOf(killedSave({ length: NEW_LENGTH + 1 }))).errors).toEqual(unexplainedEpisode);
    expect((await checksOf(killedSave({ dataFile: "data/chunk-000/file-001.parquet" }))).errors).toEqual(unexplainedEpisode);
    // Other new tasks than the file's: the tasks stay.
    expect((await checksOf(killedSave({ newTasks: ["push"] }))).errors).toEqual(["info.total_tasks"]);
    // A stats.json the save did not write is checked as it is.
    expect((await checksOf(killedSave({ savedStatsSha256: sha256("{}") }))).errors).toEqual(staleStats);
  });

  it("is inert once info.json counts the episode", async () => {
    const root = killedSave({ episodeIndex: 2, fromIndex: LENGTHS[0]! + LENGTHS[1]!, length: LENGTHS[2]! });
    const info = JSON.parse(fs.readFileSync(path.join(template, "meta/info.json"), "utf8")) as Record<string, unknown>;
    // A finished save of episode 3 whose journal (of the save before) stayed: info.json counts everything.
    fs.writeFileSync(path.join(root, "meta/info.json"), JSON.stringify({ ...info, total_episodes: 4, total_frames: COMMITTED_FRAMES + NEW_LENGTH, total_tasks: 2, splits: { train: "0:4" } }));
    fs.writeFileSync(path.join(root, "meta/stats.json"), fs.readFileSync(path.join(template, "meta/stats.json")));
    expect(await checksOf(root)).toEqual({ errors: [], warnings: [] });
    expect((await openDataset(root)).numEpisodes).toBe(4);
  });

  it("is dropped by repair, which puts stats.json back byte for byte", async () => {
    const root = killedSave();
    const report = await repairDataset(root);
    expect(report.changed).toEqual([expect.objectContaining({ check: "dataset.unfinished_save", file: SAVE_JOURNAL_PATH })]);
    expect([report.before, report.after]).toEqual([{ errors: 0, warnings: 2 }, { errors: 0, warnings: 1 }]);
    expect(await checksOf(root)).toEqual({ errors: [], warnings: [] });
    expect(fs.readFileSync(path.join(root, "meta/stats.json"), "utf8")).toBe(journal.committedStats);
    expect(fs.existsSync(path.join(root, SAVE_JOURNAL_PATH))).toBe(false);
    const ds = await openDataset(root);
    expect([ds.episodes.map((e) => e.length), ds.tasks, (await ds.readFrames()).numRows]).toEqual([LENGTHS, ["pick"], COMMITTED_FRAMES]);
  });
});
