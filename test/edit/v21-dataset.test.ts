/**
 * openV2Dataset / V2DatasetView: a LeRobot v2.1 or v2.0 folder (one parquet and one mp4 per camera
 * per episode, jsonl metadata) read as the v3.0 reader's dataset, so copyEpisodes can convert it.
 * Paths follow v2's templates and chunks, rows come from each episode's own file (checked with
 * DuckDB), v2.1's per-episode stats are carried, and every way the folder can be unfit is a
 * ConvertError naming the file, raised before anything is read from the data.
 */
import fs from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { encodeParquet, readParquet } from "../../src/dataset/parquet.js";
import type { FeatureStats } from "../../src/dataset/stats.js";
import { ConvertError, LEGACY_EPISODES_PATH, LEGACY_EPISODES_STATS_PATH, LEGACY_TASKS_PATH, V2DatasetView, openV2Dataset } from "../../src/edit/v21-dataset.js";
import { editInfo, editJson, pickRows } from "../helpers/corrupt.js";
import { openDuck, plain, sqlPath } from "../helpers/duckdb.js";
import { stateValue, tempDir } from "../helpers/synthetic.js";
import { writeV21Dataset } from "../helpers/v21-dataset.js";

const LENGTHS = [4, 5, 3];
const taskOf = (e: number) => (e === 1 ? "place the cube" : "pick the cube");
const FRONT = "observation.images.front";

describe("openV2Dataset", () => {
  const dir = tempDir("lerobot-ts-v21-dataset-");
  const withVideo = path.join(dir, "v21-video");
  const dataOnly = path.join(dir, "v21");
  const v20 = path.join(dir, "v20");
  let copies = 0;
  const copy = (from = dataOnly) => {
    const root = path.join(dir, `case-${++copies}`);
    fs.cpSync(from, root, { recursive: true });
    return root;
  };
  const write = (root: string, rel: string, text: string) => fs.writeFileSync(path.join(root, rel), text);
  beforeAll(async () => {
    await writeV21Dataset({ root: withVideo, lengths: LENGTHS, task: taskOf, cameras: ["front"], chunksSize: 2 });
    await writeV21Dataset({ root: dataOnly, lengths: LENGTHS, task: taskOf, cameras: [], chunksSize: 2 });
    await writeV21Dataset({ root: v20, version: "v2.0", lengths: LENGTHS, task: taskOf, cameras: [], chunksSize: 2 });
  }, 60_000);
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  it("reads a v2.1 folder's version, tasks and episodes, with v2's file per episode in its chunk", async () => {
    const v2 = await openV2Dataset(withVideo);
    expect(v2.version).toBe("v2.1");
    expect(v2.tasks).toEqual(["pick the cube", "place the cube"]);
    expect(v2.dataset).toBeInstanceOf(V2DatasetView);
    const ds = v2.dataset;
    expect(ds.episodes.map((e) => [e.length, e.datasetFromIndex, e.datasetToIndex, e.tasks])).toEqual([
      [4, 0, 4, ["pick the cube"]], [5, 4, 9, ["place the cube"]], [3, 9, 12, ["pick the cube"]],
    ]);
    expect(ds.episode(2).dataFile).toBe(path.join(withVideo, "data/chunk-001/episode_000002.parquet"));
    // Each episode's mp4 holds it alone, from its first frame.
    expect(ds.episode(2).cameras[FRONT]).toMatchObject({ path: path.join(withVideo, "videos/chunk-001/observation.images.front/episode_000002.mp4"), fromTimestampS: 0, toTimestampS: 3 / 30 });
  });

  it("carries v2.1's per-episode stats, cameras included, and gives v2.0 episodes none", async () => {
    const lines = fs.readFileSync(path.join(withVideo, LEGACY_EPISODES_STATS_PATH), "utf8").trim().split("\n").map((l) => JSON.parse(l) as { stats: Record<string, { mean: unknown; count: unknown }> });
    const ds = (await openV2Dataset(withVideo)).dataset;
    expect(ds.episode(1).stats[FRONT]!.mean).toEqual(lines[1]!.stats[FRONT]!.mean);
    expect(ds.episode(1).stats["observation.state"]!.count).toEqual([5]);
    const old = await openV2Dataset(v20);
    expect(old.version).toBe("v2.0");
    expect(old.dataset.episodes.map((e) => e.stats)).toEqual([{}, {}, {}]);
  });

  it("reads the chosen episodes' rows from their own files, in the order asked", async () => {
    const ds = (await openV2Dataset(dataOnly)).dataset;
    const table = await ds.readFrames({ episodes: [2, 0], columns: ["index", "observation.state"] });
    // (parquet-wasm 0.8's readParquet returns every column whatever `columns` asks; the asked ones are there.)
    expect(table.schema.fields.map((f) => f.name)).toEqual(expect.arrayContaining(["index", "observation.state"]));
    const duck = await openDuck();
    try {
      const file = (e: number) => sqlPath(path.join(dataOnly, `data/chunk-00${e >> 1}/episode_00000${e}.parquet`));
      const expected = (await duck.rows(`SELECT "index" FROM read_parquet(${file(2)}) UNION ALL SELECT "index" FROM read_parquet(${file(0)})`)).map(plain);
      expect(Array.from(table.getChild("index")!, (v) => ({ index: Number(v) }))).toEqual(expected);
    } finally {
      duck.close();
    }
    const state = table.getChild("observation.state")!;
    // Episode 2's 3 rows, then episode 0's: row 3 is episode 0's first frame.
    expect(Array.from(state.get(0) as Iterable<number>)[1]).toBe(stateValue(2, 0, 1));
    expect(Array.from(state.get(3) as Iterable<number>)[1]).toBe(stateValue(0, 0, 1));
    expect((await ds.readFrames()).numRows).toBe(12);
  });

  it("lets the converter give an episode camera stats it computed", async () => {
    const ds = (await openV2Dataset(v20)).dataset;
    const stats: FeatureStats = { min: [[[0]], [[0]], [[0]]], max: [[[1]], [[1]], [[1]]], mean: [[[0.5]], [[0.5]], [[0.5]]], std: [[[0.1]], [[0.1]], [[0.1]]], count: [3] };
    ds.setStats(2, FRONT, stats);
    expect(ds.episode(2).stats[FRONT]).toBe(stats);
    expect(ds.episode(1).stats[FRONT]).toBeUndefined();
  });

  it("refuses, naming the problem, a folder that is not v2.0 or v2.1", async () => {
    const cases: [string, (root: string) => void, RegExp][] = [
      ["no info.json", (r) => fs.rmSync(path.join(r, "meta/info.json")), /^there is no LeRobot dataset at .* \(no meta\/info\.json\)$/],
      ["v3.0", (r) => editInfo(r, (i) => { i.codebase_version = "v3.0"; }), /is already a v3\.0 dataset: there is nothing to convert$/],
      ["v1.6", (r) => editInfo(r, (i) => { i.codebase_version = "v1.6"; }), /is a v1\.6 dataset, older than v2\.0: convert it to v2\.0 first/],
      ["v2.5", (r) => editInfo(r, (i) => { i.codebase_version = "v2.5"; }), /codebase_version is "v2\.5"; this converts v2\.0 and v2\.1 datasets$/],
      ["not JSON", (r) => write(r, "meta/info.json", "{\"codebase_version\": "), /meta\/info\.json is not valid JSON/],
      ["no fps", (r) => editJson(path.join(r, "meta/info.json"), (i) => { delete i.fps; }), /is not a valid v2\.1 info\.json: fps: /],
    ];
    for (const [name, damage, message] of cases) {
      const root = copy();
      damage(root);
      const attempt = openV2Dataset(root);
      await expect(attempt, name).rejects.toBeInstanceOf(ConvertError);
      await expect(attempt, name).rejects.toThrow(message);
    }
  });

  it("refuses jsonl metadata that lists nothing, lists an episode twice or has a bad line", async () => {
    const episodes = fs.readFileSync(path.join(dataOnly, LEGACY_EPISODES_PATH), "utf8").trim().split("\n");
    const cases: [string, string, string, RegExp][] = [
      ["empty", LEGACY_EPISODES_PATH, "\n", /meta\/episodes\.jsonl lists no episodes: nothing to convert$/],
      ["twice", LEGACY_EPISODES_PATH, `${[episodes[1], ...episodes].join("\n")}\n`, /meta\/episodes\.jsonl lists episode_index 1 twice$/],
      ["no length", LEGACY_EPISODES_PATH, `${episodes[0]}\n{"episode_index": 1, "tasks": ["pick the cube"]}\n`, /meta\/episodes\.jsonl line 2: length: /],
      ["not JSON", LEGACY_TASKS_PATH, "{\"task_index\": 0,\n", /meta\/tasks\.jsonl line 1 is not valid JSON/],
    ];
    for (const [name, file, text, message] of cases) {
      const root = copy();
      write(root, file, text);
      await expect(openV2Dataset(root), name).rejects.toThrow(message);
    }
    const noTasks = copy();
    fs.rmSync(path.join(noTasks, LEGACY_TASKS_PATH));
    await expect(openV2Dataset(noTasks)).rejects.toThrow(/meta\/tasks\.jsonl cannot be read \(ENOENT\)$/);
  });

  it("refuses a folder missing a file an episode needs, or whose file has other rows than the metadata says", async () => {
    const noData = copy();
    fs.rmSync(path.join(noData, "data/chunk-000/episode_000001.parquet"));
    await expect(openV2Dataset(noData)).rejects.toThrow(/^episode 1: .*data\/chunk-000\/episode_000001\.parquet is missing$/);

    const noVideo = copy(withVideo);
    fs.rmSync(path.join(noVideo, "videos/chunk-001/observation.images.front/episode_000002.mp4"));
    await expect(openV2Dataset(noVideo)).rejects.toThrow(/^episode 2: .*episode_000002\.mp4 is missing$/);

    const noVideoPath = copy(withVideo);
    editInfo(noVideoPath, (i) => { i.video_path = null; });
    await expect(openV2Dataset(noVideoPath)).rejects.toThrow(/has video features but no video_path$/);

    const shortFile = copy();
    const file = path.join(shortFile, "data/chunk-000/episode_000000.parquet");
    fs.writeFileSync(file, encodeParquet(pickRows(await readParquet(file), [0, 1, 2])));
    await expect(openV2Dataset(shortFile)).rejects.toThrow(/episode_000000\.parquet has 3 rows; meta\/episodes\.jsonl says episode 0 has 4$/);
  });
});

describe("V2DatasetView.readFrames", () => {
  const dir = tempDir("lerobot-ts-v21-view-");
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  it("refuses a file that lost rows after the folder was opened", async () => {
    const root = path.join(dir, "v21");
    await writeV21Dataset({ root, lengths: LENGTHS, task: taskOf, cameras: [] });
    const ds = (await openV2Dataset(root)).dataset;
    const file = path.join(root, "data/chunk-000/episode_000001.parquet");
    fs.writeFileSync(file, encodeParquet(pickRows(await readParquet(file), [0, 1])));
    const attempt = ds.readFrames({ episodes: [1] });
    await expect(attempt).rejects.toBeInstanceOf(ConvertError);
    await expect(attempt).rejects.toThrow(/episode_000001\.parquet has 2 rows; meta\/episodes\.jsonl says episode 1 has 5$/);
  });
});
