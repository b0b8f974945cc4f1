/**
 * trimToCommitted (docs/ARCHITECTURE.md, crash safety): a dataset put back to what info.json,
 * the commit point, says. The state a save killed just before info.json's rename leaves is made
 * by saving one episode more and putting the earlier info.json back; what remains is read with
 * DuckDB and ffprobe, not with the code that trims.
 */
import { execFileSync } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { DatasetInfo } from "../../src/dataset/info.js";
import { parsePythonJson } from "../../src/dataset/python-json.js";
import { trimToCommitted } from "../../src/dataset/resume-trim.js";
import type { SaveJournal } from "../../src/dataset/save-journal.js";
import { SAVE_JOURNAL_PATH, sha256 } from "../../src/dataset/save-journal.js";
import { DatasetWriter } from "../../src/dataset/writer.js";
import type { Duck } from "../helpers/duckdb.js";
import { openDuck, sqlPath } from "../helpers/duckdb.js";
import { features, makeFrame, tempDir, writeSynthetic } from "../helpers/synthetic.js";

const LENGTHS = [3, 4];
const COMMITTED = 7;
const NEW_LENGTH = 5;
const DATA = "data/chunk-000/file-000.parquet";
const EPISODES = "meta/episodes/chunk-000/file-000.parquet";
const VIDEO = "videos/observation.images.front/chunk-000/file-000.mp4";

let dir: string;
let duck: Duck;
/** Episodes 0 and 1 committed; episode 2 (new task "place") switched in everywhere but info.json. */
let template: string;
let committedInfo: DatasetInfo;
let committedStats: string;
let journal: SaveJournal;
beforeAll(async () => {
  dir = tempDir();
  duck = await openDuck();
  template = path.join(dir, "template");
  const writer = await writeSynthetic({ root: template, episodes: LENGTHS, cameras: ["front"], tasks: () => "pick" });
  const infoText = fs.readFileSync(path.join(template, "meta/info.json"), "utf8");
  committedInfo = JSON.parse(infoText) as DatasetInfo;
  committedStats = fs.readFileSync(path.join(template, "meta/stats.json"), "utf8");
  for (let k = 0; k < NEW_LENGTH; k++) await writer.addFrame(makeFrame(2, k, ["front"], 96, 64, "place"));
  await writer.saveEpisode();
  await writer.finalize();
  journal = {
    episodeIndex: 2, fromIndex: COMMITTED, length: NEW_LENGTH, totalTasks: 1, newTasks: ["place"], dataFile: DATA, episodesFile: EPISODES,
    committedStats, savedStatsSha256: sha256(fs.readFileSync(path.join(template, "meta/stats.json"), "utf8")), pid: 2 ** 22 + 1,
  };
  fs.writeFileSync(path.join(template, "meta/info.json"), infoText);
});
afterAll(() => { duck.close(); fs.rmSync(dir, { recursive: true, force: true }); });

let copies = 0;
function killedSave(withJournal: boolean): string {
  const root = path.join(dir, `copy-${++copies}`);
  fs.cpSync(template, root, { recursive: true });
  if (withJournal) {
    fs.mkdirSync(path.join(root, ".lerobot-ts"), { recursive: true });
    fs.writeFileSync(path.join(root, SAVE_JOURNAL_PATH), JSON.stringify(journal));
  }
  return root;
}

const count = async (file: string) => Number((await duck.rows(`SELECT count(*) AS n FROM read_parquet(${sqlPath(file)})`))[0]!.n);
const videoFrames = (file: string) => Number(execFileSync("ffprobe", ["-v", "error", "-count_frames", "-select_streams", "v:0", "-show_entries", "stream=nb_read_frames", "-of", "csv=p=0", file], { encoding: "utf8" }).trim());

describe("trimToCommitted after a save killed before info.json", () => {
  it("leaves the template with the killed save's episode in every file but info.json", async () => {
    // The state the tests below start from, read independently.
    expect(await count(path.join(template, DATA))).toBe(COMMITTED + NEW_LENGTH);
    expect(await count(path.join(template, EPISODES))).toBe(3);
    expect(await count(path.join(template, "meta/tasks.parquet"))).toBe(2);
    expect(videoFrames(path.join(template, VIDEO))).toBe(COMMITTED + NEW_LENGTH);
    expect(committedInfo.total_episodes).toBe(2);
  });

  it("cuts rows, the episode row, the task and the mp4's frames back to info.json, and puts stats.json back byte for byte", async () => {
    const root = killedSave(true);
    const changes = await trimToCommitted(root, committedInfo);
    const data = await duck.rows(`SELECT "index", episode_index FROM read_parquet(${sqlPath(path.join(root, DATA))}) ORDER BY "index"`);
    expect(data.map((r) => Number(r.index))).toEqual([0, 1, 2, 3, 4, 5, 6]);
    expect(new Set(data.map((r) => Number(r.episode_index)))).toEqual(new Set([0, 1]));
    const episodes = await duck.rows(`SELECT episode_index FROM read_parquet(${sqlPath(path.join(root, EPISODES))})`);
    expect(episodes.map((r) => Number(r.episode_index))).toEqual([0, 1]);
    const tasks = await duck.rows(`SELECT task FROM read_parquet(${sqlPath(path.join(root, "meta/tasks.parquet"))})`);
    expect(tasks).toEqual([{ task: "pick" }]);
    expect(videoFrames(path.join(root, VIDEO))).toBe(COMMITTED);
    expect(fs.readFileSync(path.join(root, "meta/stats.json"), "utf8")).toBe(committedStats);
    expect(fs.existsSync(path.join(root, SAVE_JOURNAL_PATH))).toBe(false);
    // Every file it changed is named, the journal last.
    for (const file of [DATA, EPISODES, "meta/tasks.parquet", VIDEO, "meta/stats.json"]) {
      expect(changes.some((c) => c.startsWith(`${file}:`))).toBe(true);
    }
    expect(changes.at(-1)).toBe(`${SAVE_JOURNAL_PATH}: removed (the unfinished save of episode 2)`);
  });

  it("is idempotent: a second trim changes nothing", async () => {
    const root = killedSave(true);
    await trimToCommitted(root, committedInfo);
    const snapshot = (f: string) => fs.readFileSync(path.join(root, f));
    const before = [DATA, EPISODES, "meta/tasks.parquet", VIDEO, "meta/stats.json"].map(snapshot);
    expect(await trimToCommitted(root, committedInfo)).toEqual([]);
    expect([DATA, EPISODES, "meta/tasks.parquet", VIDEO, "meta/stats.json"].map(snapshot)).toEqual(before);
  });

  it("without a journal, recomputes stats.json from the committed episodes", async () => {
    const root = killedSave(false);
    const changes = await trimToCommitted(root, committedInfo);
    expect(changes).toContain("meta/stats.json: recomputed from the 2 committed episodes");
    const stats = parsePythonJson(fs.readFileSync(path.join(root, "meta/stats.json"), "utf8")) as Record<string, { count: number[]; max: number[] }>;
    expect(stats["observation.state"]!.count).toEqual([COMMITTED]);
    // The largest state value of episode 1's last frame (stateValue(1, 3, 5) = 1003.625), not episode 2's.
    expect(Math.max(...stats["observation.state"]!.max)).toBe(1003.625);
    expect(await count(path.join(root, DATA))).toBe(COMMITTED);
  });

  it("removes data and video files after the last committed ones", async () => {
    const root = killedSave(true);
    const later = [DATA.replace("file-000", "file-001"), VIDEO.replace("file-000", "file-001")];
    for (const file of later) fs.copyFileSync(path.join(root, file.replace("file-001", "file-000")), path.join(root, file));
    const changes = await trimToCommitted(root, committedInfo);
    for (const file of later) {
      expect(fs.existsSync(path.join(root, file))).toBe(false);
      expect(changes).toContain(`${file}: removed (no committed episode)`);
    }
  });

  it("changes nothing in a dataset that is as info.json says", async () => {
    const root = path.join(dir, "clean");
    await (await writeSynthetic({ root, episodes: [2], cameras: [] })).finalize();
    const info = JSON.parse(fs.readFileSync(path.join(root, "meta/info.json"), "utf8")) as DatasetInfo;
    expect(await trimToCommitted(root, info)).toEqual([]);
  });
});

describe("trimToCommitted with nothing committed", () => {
  it("removes the data and videos a killed first save wrote, and the episode and task it added", async () => {
    const root = path.join(dir, "first");
    const writer = await DatasetWriter.create({ root, repoId: "t/first", fps: 30, robotType: null, features: features(["front"], 96, 64) });
    const created = JSON.parse(fs.readFileSync(path.join(root, "meta/info.json"), "utf8")) as DatasetInfo;
    expect(created.total_episodes).toBe(0);
    for (let k = 0; k < 3; k++) await writer.addFrame(makeFrame(0, k, ["front"], 96, 64, "pick"));
    await writer.saveEpisode();
    await writer.finalize();
    const changes = await trimToCommitted(root, created);
    expect(fs.existsSync(path.join(root, "data"))).toBe(false);
    expect(fs.existsSync(path.join(root, "videos"))).toBe(false);
    expect(fs.existsSync(path.join(root, EPISODES))).toBe(false);
    expect(changes).toEqual(expect.arrayContaining(["data/: removed (no committed episode)", "videos/: removed (no committed episode)"]));
    expect(await count(path.join(root, "meta/tasks.parquet"))).toBe(0);
  });
});
