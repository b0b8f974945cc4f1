/**
 * The real dataset recorded by Python LeRobot (so101-record-test) read with openDataset, every
 * value checked against what DuckDB (an independent parquet reader) and JSON.parse find in the
 * same files.
 */
import fs from "node:fs";
import path from "node:path";
import * as arrow from "apache-arrow";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DatasetError } from "../../src/errors.js";
import { openDataset } from "../../src/dataset/reader.js";
import type { LeRobotDataset } from "../../src/dataset/reader.js";
import { STAT_NAMES } from "../../src/dataset/stats.js";
import type { Duck } from "../helpers/duckdb.js";
import { openDuck, plain, sqlPath } from "../helpers/duckdb.js";
import { REAL_FIXTURE } from "../helpers/real-fixture.js";
import { tempDir } from "../helpers/synthetic.js";

const DATA_FILE = path.join(REAL_FIXTURE, "data/chunk-000/file-000.parquet");
const EPISODES_FILE = path.join(REAL_FIXTURE, "meta/episodes/chunk-000/file-000.parquet");
const TASKS_FILE = path.join(REAL_FIXTURE, "meta/tasks.parquet");
const LENGTHS = [373, 374, 372, 373];
const CAMERAS = ["observation.images.front", "observation.images.top"];
const TASK = "Pick the orange cube and place it in the box";
const FLOAT_COLUMNS = new Set(["action", "observation.state", "timestamp"]);

const readJson = (file: string): Record<string, unknown> => JSON.parse(fs.readFileSync(file, "utf8")) as Record<string, unknown>;

/** A value of a data column as a number (float32 columns rounded to float32) or array of them. */
function norm(value: unknown, float: boolean): unknown {
  if (value instanceof arrow.Vector) return norm(Array.from(value), float);
  if (ArrayBuffer.isView(value)) return norm(Array.from(value as unknown as ArrayLike<number>), float);
  if (Array.isArray(value)) return value.map((v) => norm(v, float));
  if (typeof value === "bigint") return Number(value);
  if (typeof value === "number") return float ? Math.fround(value) : value;
  return value;
}

describe("real LeRobot dataset so101-record-test, read by openDataset", () => {
  let ds: LeRobotDataset;
  let duck: Duck;
  let duckFrames: Record<string, unknown>[];
  let duckEpisodes: Record<string, unknown>[];

  beforeAll(async () => {
    ds = await openDataset(REAL_FIXTURE);
    duck = await openDuck();
    duckFrames = await duck.rows(`SELECT * FROM read_parquet(${sqlPath(DATA_FILE)}) ORDER BY index`);
    // No ORDER BY: Python takes episode i to be row i of the file, so the file order is what counts.
    duckEpisodes = await duck.rows(`SELECT * FROM read_parquet(${sqlPath(EPISODES_FILE)})`);
  });
  afterAll(() => duck?.close());

  it("has info.json's fps, robot type, totals and features", () => {
    const raw = readJson(path.join(REAL_FIXTURE, "meta/info.json"));
    expect(ds.fps).toBe(30);
    expect(ds.robotType).toBe("so101_follower");
    expect(ds.info.total_episodes).toBe(4);
    expect(ds.info.total_frames).toBe(1492);
    expect(ds.features).toEqual(raw.features);
    expect(Object.keys(ds.features)).toEqual(Object.keys(raw.features as object));
    expect(ds.cameraKeys).toEqual(CAMERAS);
    expect(ds.features.action!.names).toEqual([
      "shoulder_pan.pos", "shoulder_lift.pos", "elbow_flex.pos", "wrist_flex.pos", "wrist_roll.pos", "gripper.pos",
    ]);
  });

  it("has the one task of tasks.parquet (text in the old __index_level_0__ column)", async () => {
    const rows = await duck.rows(`SELECT * FROM read_parquet(${sqlPath(TASKS_FILE)})`);
    expect(rows.map((r) => r.__index_level_0__)).toEqual([TASK]);
    expect(rows.map((r) => Number(r.task_index))).toEqual([0]);
    expect(ds.tasks).toEqual([TASK]);
    expect(ds.taskText(0)).toBe(TASK);
  });

  it("has 4 episodes with their lengths, contiguous index ranges and tasks", () => {
    expect(ds.numEpisodes).toBe(4);
    expect(ds.numFrames).toBe(1492);
    expect(ds.episodes.map((e) => e.episodeIndex)).toEqual([0, 1, 2, 3]);
    expect(ds.episodes.map((e) => e.length)).toEqual(LENGTHS);
    let from = 0;
    for (const e of ds.episodes) {
      expect(e.datasetFromIndex).toBe(from);
      from += e.length;
      expect(e.datasetToIndex).toBe(from);
      expect(e.tasks).toEqual([TASK]);
      expect(e.dataFile).toBe(DATA_FILE);
      expect([e.dataChunkIndex, e.dataFileIndex, e.metaChunkIndex, e.metaFileIndex]).toEqual([0, 0, 0, 0]);
    }
  });

  it("matches DuckDB's read of the episodes parquet row by row, camera timestamps exactly as stored", () => {
    expect(duckEpisodes).toHaveLength(ds.episodes.length);
    for (const [i, row] of duckEpisodes.entries()) {
      const e = ds.episodes[i]!;
      expect(e.episodeIndex).toBe(Number(row.episode_index));
      expect(e.length).toBe(Number(row.length));
      expect(e.tasks).toEqual(row.tasks);
      expect(e.datasetFromIndex).toBe(Number(row.dataset_from_index));
      expect(e.datasetToIndex).toBe(Number(row.dataset_to_index));
      expect(Object.keys(e.cameras)).toEqual(CAMERAS);
      for (const key of CAMERAS) {
        const cam = e.cameras[key]!;
        expect(cam.fromTimestampS).toBe(row[`videos/${key}/from_timestamp`]);
        expect(cam.toTimestampS).toBe(row[`videos/${key}/to_timestamp`]);
        expect(cam.chunkIndex).toBe(Number(row[`videos/${key}/chunk_index`]));
        expect(cam.fileIndex).toBe(Number(row[`videos/${key}/file_index`]));
        expect(cam.path).toBe(path.join(REAL_FIXTURE, "videos", key, "chunk-000", "file-000.mp4"));
      }
    }
    // The values Python stored: episodes back to back in one mp4 per camera.
    expect(ds.episodes.map((e) => e.cameras["observation.images.top"]!.toTimestampS)).toEqual([
      12.433333333333334, 24.9, 37.3, 49.733333333333334,
    ]);
    expect(ds.episodes.map((e) => e.cameras["observation.images.front"]!.fromTimestampS)).toEqual([0, 12.433333333333334, 24.9, 37.3]);
  });

  it("has per-episode stats for every feature, equal to DuckDB's read of every stats/... column", () => {
    const statColumns = Object.keys(duckEpisodes[0]!).filter((c) => c.startsWith("stats/"));
    expect(statColumns).toHaveLength(Object.keys(ds.features).length * STAT_NAMES.length);
    for (const [i, row] of duckEpisodes.entries()) {
      const stats = ds.episodes[i]!.stats;
      expect(Object.keys(stats).sort()).toEqual(Object.keys(ds.features).sort());
      for (const feature of Object.keys(ds.features)) expect(Object.keys(stats[feature]!).sort()).toEqual([...STAT_NAMES].sort());
      for (const column of statColumns) {
        const [, feature, stat] = /^stats\/(.+)\/([^/]+)$/.exec(column)!;
        expect((stats[feature!] as unknown as Record<string, unknown>)[stat!], `episode ${i} ${column}`).toEqual(plain(row[column]));
      }
      expect(stats.action!.count).toEqual([LENGTHS[i]]);
    }
    // The column named in the brief, spelled out: exact Float64 values.
    expect(ds.episodes.map((e) => e.stats.action!.mean)).toEqual(duckEpisodes.map((r) => r["stats/action/mean"]));
    expect(ds.episodes[1]!.stats.index!.min).toEqual([373]);
  });

  it("reads every value of every row and column as DuckDB does", async () => {
    const table = await ds.readFrames();
    const duckColumns = await duck.columns(`SELECT * FROM read_parquet(${sqlPath(DATA_FILE)}) LIMIT 0`);
    expect(duckColumns).toEqual(["action", "observation.state", "timestamp", "frame_index", "episode_index", "index", "task_index"]);
    expect(table.schema.fields.map((f) => f.name)).toEqual(duckColumns);
    expect(table.numRows).toBe(1492);
    expect(duckFrames).toHaveLength(1492);
    const mismatches: string[] = [];
    for (const name of duckColumns) {
      const column = table.getChild(name)!;
      const float = FLOAT_COLUMNS.has(name);
      for (let row = 0; row < table.numRows; row++) {
        const ours = norm(column.get(row), float);
        const theirs = norm(duckFrames[row]![name], float);
        if (JSON.stringify(ours) !== JSON.stringify(theirs)) mismatches.push(`row ${row} ${name}: ${JSON.stringify(ours)} vs ${JSON.stringify(theirs)}`);
      }
    }
    expect(mismatches.slice(0, 10)).toEqual([]);
    // Not all zeros or constant: the comparison above compared real joint data.
    const distinct = new Set(duckFrames.map((r) => (r.action as number[])[0]));
    expect(distinct.size).toBeGreaterThan(50);
  });

  it("readColumn('action') gives the 1492 x 6 float32 values DuckDB reads", async () => {
    const action = await ds.readColumn("action");
    expect(action.dim).toBe(6);
    expect(action.numRows).toBe(1492);
    expect(action.values).toBeInstanceOf(Float32Array);
    const expected = duckFrames.flatMap((r) => (r.action as number[]).map((v) => Math.fround(v)));
    expect(Array.from(action.values as Float32Array)).toEqual(expected);
    const index = await ds.readColumn("index");
    expect(Array.from(index.values as BigInt64Array, Number)).toEqual(duckFrames.map((r) => Number(r.index)));
  });

  it("returns episode 2's frame 0 at row 0 when episodes [2, 3] are selected", async () => {
    const table = await ds.readFrames({ episodes: [2, 3] });
    expect(table.numRows).toBe(LENGTHS[2]! + LENGTHS[3]!);
    const first = table.get(0)!;
    const start = LENGTHS[0]! + LENGTHS[1]!; // 747
    expect(Number(first.episode_index)).toBe(2);
    expect(Number(first.frame_index)).toBe(0);
    expect(Number(first.index)).toBe(start);
    expect(Number(first.index)).toBe(Number(duckEpisodes[2]!.dataset_from_index));
    expect(norm(first.action, true)).toEqual(norm(duckFrames[start]!.action, true));
    const last = table.get(table.numRows - 1)!;
    expect(Number(last.index)).toBe(1491);
    expect(Number(last.episode_index)).toBe(3);
    expect(Number(last.frame_index)).toBe(LENGTHS[3]! - 1);
    const reversed = await ds.readColumn("observation.state", { episodes: [3, 0] });
    expect(reversed.numRows).toBe(LENGTHS[3]! + LENGTHS[0]!);
    expect(Math.fround(reversed.values[0] as number)).toBe(Math.fround((duckFrames[1119]!["observation.state"] as number[])[0]!));
    expect(Math.fround(reversed.values[LENGTHS[3]! * 6] as number)).toBe(Math.fround((duckFrames[0]!["observation.state"] as number[])[0]!));
  });

  it("reads only the chosen columns of the chosen episode", async () => {
    const table = await ds.readFrames({ episodes: [1], columns: ["timestamp", "observation.state"] });
    expect(table.schema.fields.map((f) => f.name)).toEqual(["timestamp", "observation.state"]);
    expect(table.numRows).toBe(LENGTHS[1]);
    const rows = duckFrames.slice(LENGTHS[0]!, LENGTHS[0]! + LENGTHS[1]!);
    expect(norm(table.getChild("timestamp")!.toArray(), true)).toEqual(rows.map((r) => Math.fround(r.timestamp as number)));
    expect(norm(table.getChild("observation.state")!.get(LENGTHS[1]! - 1), true)).toEqual(norm(rows.at(-1)!["observation.state"], true));
  });

  it("has stats.json exactly as JSON.parse reads it", () => {
    const raw = readJson(path.join(REAL_FIXTURE, "meta/stats.json"));
    expect(ds.stats).toBeDefined();
    expect(ds.stats).toEqual(raw);
    const action = raw.action as Record<string, number[]>;
    expect(ds.stats!.action!.mean).toEqual(action.mean);
    expect(ds.stats!.action!.q99).toEqual(action.q99);
    expect(ds.stats!["observation.images.top"]!.max).toEqual((raw["observation.images.top"] as Record<string, unknown>).max);
    expect(ds.stats!.index!.count).toEqual([1492]);
  });

  it("refuses to decode a camera frame, naming the mp4 that was never published", async () => {
    for (const key of CAMERAS) {
      const missing = path.join(REAL_FIXTURE, "videos", key, "chunk-000", "file-000.mp4");
      const attempt = ds.decodeFrame(key, 1, 10);
      await expect(attempt).rejects.toBeInstanceOf(DatasetError);
      await expect(ds.decodeFrame(key, 1, 10)).rejects.toThrow(missing);
    }
  });

  describe("opened by repo id", () => {
    let dir: string;
    let home: string;
    const repoId = "someuser/record-test";

    beforeAll(() => {
      dir = tempDir("lerobot-ts-real-");
      home = path.join(dir, "root");
      fs.cpSync(REAL_FIXTURE, path.join(home, repoId), { recursive: true });
    });
    afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

    it("with { root }, as LeRobot's --root", async () => {
      const byRoot = await openDataset(repoId, { root: home });
      expect(byRoot.root).toBe(path.join(home, repoId));
      expect(byRoot.episodes.map((e) => e.length)).toEqual(LENGTHS);
      expect(byRoot.episodes[2]!.dataFile).toBe(path.join(home, repoId, "data/chunk-000/file-000.parquet"));
      const action = await byRoot.readColumn("action", { episodes: [1] });
      expect(Math.fround(action.values[0] as number)).toBe(Math.fround((duckFrames[373]!.action as number[])[0]!));
    });

    it("under $HF_LEROBOT_HOME", async () => {
      const saved = process.env.HF_LEROBOT_HOME;
      process.env.HF_LEROBOT_HOME = home;
      try {
        const byHome = await openDataset(repoId);
        expect(byHome.root).toBe(path.join(home, repoId));
        expect(byHome.tasks).toEqual([TASK]);
        expect(byHome.numFrames).toBe(1492);
      } finally {
        if (saved === undefined) delete process.env.HF_LEROBOT_HOME;
        else process.env.HF_LEROBOT_HOME = saved;
      }
    });
  });
});
