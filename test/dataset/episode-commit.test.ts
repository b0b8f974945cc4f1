/**
 * commitEpisodeFiles: a save's files staged, then switched one system call each in the order
 * Python LeRobot needs (docs/ARCHITECTURE.md "Crash safety"): the journal, tasks, data,
 * stats.json, the episodes metadata, info.json (the commit point) last. The order is watched
 * from inside the transaction: after each switch, which files on disk changed.
 */
import fs from "node:fs";
import path from "node:path";
import * as arrow from "apache-arrow";
import { afterAll, describe, expect, it } from "vitest";
import { stagingPath, writeFileAtomic } from "../../src/dataset/atomic.js";
import { EpisodeBuffer, validateFrame } from "../../src/dataset/episode-buffer.js";
import type { Frame } from "../../src/dataset/episode-buffer.js";
import { buildEpisodeBatch, computeEpisodeStats, defaultColumns } from "../../src/dataset/episode-columns.js";
import { commitEpisodeFiles } from "../../src/dataset/episode-commit.js";
import { buildEpisodesTable } from "../../src/dataset/episodes.js";
import { checkFeatureSpecs } from "../../src/dataset/feature-specs.js";
import { cursorFile, firstFile } from "../../src/dataset/file-cursors.js";
import { DataFileTarget, EpisodesFileTarget } from "../../src/dataset/file-rotation.js";
import type { DatasetInfo } from "../../src/dataset/info.js";
import { EPISODES_PATH, INFO_PATH, STATS_PATH, TASKS_PATH, toPythonJson } from "../../src/dataset/info.js";
import { encodeParquet } from "../../src/dataset/parquet.js";
import { openDataset } from "../../src/dataset/reader.js";
import { SAVE_JOURNAL_PATH, sha256 } from "../../src/dataset/save-journal.js";
import type { SaveStep } from "../../src/dataset/save-transaction.js";
import { SaveTransaction } from "../../src/dataset/save-transaction.js";
import type { DatasetStats } from "../../src/dataset/stats.js";
import { aggregateStats, statsToPythonJson } from "../../src/dataset/stats.js";
import { newDatasetInfo } from "../../src/dataset/writer-start.js";
import { verifyDataset } from "../../src/verify/index.js";
import { tempDir } from "../helpers/synthetic.js";

const dir = tempDir();
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

const FEATURES = checkFeatureSpecs({ x: { dtype: "float64", shape: [1] } }, true);
const USER = { x: FEATURES.x! };
const DATA_FILE = "data/chunk-000/file-000.parquet";
const EPISODES_FILE = "meta/episodes/chunk-000/file-000.parquet";
const WATCHED = [SAVE_JOURNAL_PATH, TASKS_PATH, DATA_FILE, STATS_PATH, EPISODES_FILE, INFO_PATH];

/** A transaction that notes, after each switch, which watched files changed, and can fail the switch of step `failAt`. */
class WatchedTransaction extends SaveTransaction {
  readonly switched: string[][] = [];
  journalSeen: unknown;
  /** The watched files just before the first switch, with everything staged. */
  beforeFirstSwitch: Record<string, Buffer | undefined> | undefined;
  private added = 0;
  constructor(private readonly root: string, private readonly failAt?: number) {
    super();
  }
  override add(step: SaveStep): void {
    const index = this.added++;
    super.add({
      commit: async () => {
        if (index === this.failAt) throw new Error("switch failed");
        const before = snapshot(this.root);
        if (index === 0) this.beforeFirstSwitch = before;
        await step.commit();
        const after = snapshot(this.root);
        this.switched.push(WATCHED.filter((f) => !sameBytes(before[f], after[f])));
        if (index === 0) this.journalSeen = JSON.parse(fs.readFileSync(path.join(this.root, SAVE_JOURNAL_PATH), "utf8"));
      },
      undo: () => step.undo(),
    });
  }
}

function snapshot(root: string): Record<string, Buffer | undefined> {
  return Object.fromEntries(WATCHED.map((f) => [f, fs.existsSync(path.join(root, f)) ? fs.readFileSync(path.join(root, f)) : undefined]));
}
const sameBytes = (a: Buffer | undefined, b: Buffer | undefined) => (a === undefined ? b === undefined : b !== undefined && a.equals(b));

/** A dataset being written by hand, the way DatasetWriter drives commitEpisodeFiles. */
class HandWriter {
  readonly info: DatasetInfo;
  tasks: string[] = [];
  stats: DatasetStats | undefined;
  readonly data: DataFileTarget;
  readonly episodes: EpisodesFileTarget;
  constructor(readonly root: string) {
    this.info = newDatasetInfo({ root, repoId: "t/c", fps: 10, robotType: null, features: {} }, FEATURES);
    this.data = new DataFileTarget(root, this.info, firstFile());
    this.episodes = new EpisodesFileTarget(root, this.info, firstFile());
  }

  static async create(root: string): Promise<HandWriter> {
    const writer = new HandWriter(root);
    await writeFileAtomic(path.join(root, INFO_PATH), toPythonJson(writer.info));
    return writer;
  }

  /** Save an episode of `values` with `task`, through `transaction`; on success, move the state forward as the writer does. */
  async save(values: number[], task: string, transaction: SaveTransaction) {
    const episodeIndex = this.info.total_episodes;
    const fromIndex = this.info.total_frames;
    const length = values.length;
    const newTasks = this.tasks.includes(task) ? [] : [task];
    const tasks = [...this.tasks, ...newTasks];
    const buffer = new EpisodeBuffer(USER);
    for (const x of values) buffer.append(validateFrame({ task, x } as Frame, USER));
    const defaults = defaultColumns(length, this.info.fps, episodeIndex, fromIndex, values.map(() => tasks.indexOf(task)));
    const episodeStats = computeEpisodeStats(FEATURES, buffer, defaults, () => { throw new Error("no cameras"); });
    const stats = this.stats ? aggregateStats([this.stats, episodeStats]) : episodeStats;
    const dataFile = this.data.fileFor(length);
    this.episodes.rotateIfFull();
    const place = this.episodes.place({
      episodeIndex, tasks: [task], length, dataChunkIndex: this.data.cursor.chunk, dataFileIndex: this.data.cursor.file,
      datasetFromIndex: fromIndex, datasetToIndex: fromIndex + length, videos: {}, stats: episodeStats,
      metaChunkIndex: this.episodes.cursor.chunk, metaFileIndex: this.episodes.cursor.file,
    });
    const info: DatasetInfo = { ...this.info, total_episodes: episodeIndex + 1, total_frames: fromIndex + length, total_tasks: tasks.length, splits: { train: `0:${episodeIndex + 1}` } };
    const statsText = statsToPythonJson(stats);
    const { dataPiece, episodesPiece } = await commitEpisodeFiles(this.root, transaction, {
      journal: {
        episodeIndex, fromIndex, length, totalTasks: this.info.total_tasks, newTasks,
        dataFile: cursorFile(this.info.data_path, this.data.cursor), episodesFile: cursorFile(EPISODES_PATH, this.episodes.cursor),
      },
      tasks, dataFile, dataBytes: encodeParquet(new arrow.Table([buildEpisodeBatch(FEATURES, buffer, length, defaults)])),
      statsText, episodes: place, episodesBytes: encodeParquet(buildEpisodesTable(place.openRows, FEATURES)), info,
    });
    Object.assign(this.info, info);
    this.tasks = tasks;
    this.stats = stats;
    this.data.accept(dataFile, dataPiece, length);
    this.episodes.accept(place, episodesPiece);
    return { statsText };
  }
}

describe("commitEpisodeFiles", () => {
  it("switches the journal, tasks, data, stats.json, episodes metadata and info.json in that order, one each, then removes the journal", async () => {
    const root = path.join(dir, "order");
    const writer = await HandWriter.create(root);
    const transaction = new WatchedTransaction(root);
    const start = snapshot(root);
    const { statsText } = await writer.save([1, 2, 3], "pick", transaction);
    // Staging changed none of the files readers look at; each switch then exposes exactly one.
    for (const file of WATCHED) expect(sameBytes(transaction.beforeFirstSwitch![file], start[file]), file).toBe(true);
    expect(transaction.switched).toEqual(WATCHED.map((f) => [f]));
    // The journal, in place while the others switch, names the save and the stats it replaces.
    expect(transaction.journalSeen).toMatchObject({
      episodeIndex: 0, fromIndex: 0, length: 3, totalTasks: 0, newTasks: ["pick"], dataFile: DATA_FILE, episodesFile: EPISODES_FILE,
      committedStats: null, savedStatsSha256: sha256(statsText), pid: process.pid,
    });
    expect(fs.existsSync(path.join(root, SAVE_JOURNAL_PATH))).toBe(false);
    const ds = await openDataset(root);
    expect(ds.episodes.map((e) => e.length)).toEqual([3]);
    expect(ds.tasks).toEqual(["pick"]);
    expect((await verifyDataset(root)).findings.filter((f) => f.severity === "error")).toEqual([]);
  });

  it("leaves tasks.parquet alone when the episode brings no new task, and journals the stats.json it replaces", async () => {
    const root = path.join(dir, "no-new-task");
    const writer = await HandWriter.create(root);
    await writer.save([1, 2], "pick", new SaveTransaction());
    const statsBefore = fs.readFileSync(path.join(root, STATS_PATH), "utf8");
    const transaction = new WatchedTransaction(root);
    await writer.save([3, 4, 5], "pick", transaction);
    expect(transaction.switched).toEqual([SAVE_JOURNAL_PATH, DATA_FILE, STATS_PATH, EPISODES_FILE, INFO_PATH].map((f) => [f]));
    expect(transaction.journalSeen).toMatchObject({ episodeIndex: 1, fromIndex: 2, newTasks: [], committedStats: statsBefore });
    const ds = await openDataset(root);
    expect(ds.episodes.map((e) => e.length)).toEqual([2, 3]);
    expect(ds.stats!.x!.count).toEqual([5]);
  });

  it("writes tasks.parquet when it is missing, even with no new task", async () => {
    const root = path.join(dir, "tasks-missing");
    const writer = await HandWriter.create(root);
    await writer.save([1], "pick", new SaveTransaction());
    fs.rmSync(path.join(root, TASKS_PATH));
    const transaction = new WatchedTransaction(root);
    await writer.save([2], "pick", transaction);
    expect(transaction.switched.flat()).toContain(TASKS_PATH);
    expect((await openDataset(root)).tasks).toEqual(["pick"]);
  });

  it("is taken back whole by the transaction's rollback when info.json's switch fails: every file as before", async () => {
    const root = path.join(dir, "rollback");
    const writer = await HandWriter.create(root);
    await writer.save([1, 2], "pick", new SaveTransaction());
    const before = snapshot(root);
    const transaction = new WatchedTransaction(root, 5); // step 5: info.json
    await expect(writer.save([3, 4], "place", transaction)).rejects.toThrow(/switch failed/);
    // Everything before info.json had switched...
    expect(transaction.switched.flat()).toEqual([SAVE_JOURNAL_PATH, TASKS_PATH, DATA_FILE, STATS_PATH, EPISODES_FILE]);
    await transaction.rollback();
    const after = snapshot(root);
    for (const file of WATCHED) expect(sameBytes(before[file], after[file]), file).toBe(true);
    expect(fs.readdirSync(path.join(root, "meta")).filter((f) => f.endsWith(".staged"))).toEqual([]);
    const ds = await openDataset(root);
    expect(ds.episodes.map((e) => e.length)).toEqual([2]);
    expect(ds.tasks).toEqual(["pick"]);
  });

  it("stages nothing visible when a file cannot be staged, and the rollback removes what was staged", async () => {
    const root = path.join(dir, "stage-fails");
    const writer = await HandWriter.create(root);
    await writer.save([1], "pick", new SaveTransaction());
    const before = snapshot(root);
    const blocker = stagingPath(path.join(root, INFO_PATH)); // a folder where info.json would be staged
    fs.mkdirSync(blocker);
    const transaction = new WatchedTransaction(root);
    await expect(writer.save([2, 3], "pick", transaction)).rejects.toThrow();
    expect(transaction.switched).toEqual([]);
    await transaction.rollback();
    fs.rmdirSync(blocker);
    const after = snapshot(root);
    for (const file of WATCHED) expect(sameBytes(before[file], after[file]), file).toBe(true);
    expect(fs.readdirSync(path.join(root, "meta")).filter((f) => f.startsWith("."))).toEqual([]);
    expect(fs.readdirSync(path.join(root, ".lerobot-ts"))).toEqual([]);
  });
});
