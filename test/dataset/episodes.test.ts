/**
 * meta/episodes parquet: rows parsed from Python LeRobot's files with the values DuckDB reads,
 * and written back with LeRobot v0.6's columns, order and types.
 */
import fs from "node:fs";
import path from "node:path";
import * as arrow from "apache-arrow";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { EpisodeRecord } from "../../src/dataset/episodes.js";
import { buildEpisodesTable, parseEpisodesTable } from "../../src/dataset/episodes.js";
import type { DatasetInfo, Feature } from "../../src/dataset/info.js";
import { encodeParquet, readParquet } from "../../src/dataset/parquet.js";
import type { Duck } from "../helpers/duckdb.js";
import { openDuck, plain, sqlPath } from "../helpers/duckdb.js";
import { REAL_FIXTURE } from "../helpers/real-fixture.js";
import { tempDir } from "../helpers/synthetic.js";

const EPISODES = "meta/episodes/chunk-000/file-000.parquet";
const V06_RECORD = path.join(import.meta.dirname, "../../fixtures/lerobot-v0.6/so101-record");
const featuresOf = (root: string) => (JSON.parse(fs.readFileSync(path.join(root, "meta/info.json"), "utf8")) as DatasetInfo).features;

let dir: string;
let duck: Duck;
beforeAll(async () => { dir = tempDir(); duck = await openDuck(); });
afterAll(() => { duck.close(); fs.rmSync(dir, { recursive: true, force: true }); });

describe("parseEpisodesTable", () => {
  it("reads a pyarrow-written file's rows with the values DuckDB reads", async () => {
    const file = path.join(REAL_FIXTURE, EPISODES);
    const records = parseEpisodesTable(await readParquet(file));
    const rows = plain(await duck.rows(`SELECT * FROM read_parquet(${sqlPath(file)}) ORDER BY episode_index`)) as Record<string, unknown>[];
    expect(records.map((r) => r.episodeIndex)).toEqual(rows.map((r) => r.episode_index));
    expect(records.map((r) => [r.tasks, r.length, r.dataChunkIndex, r.dataFileIndex, r.datasetFromIndex, r.datasetToIndex, r.metaChunkIndex, r.metaFileIndex]))
      .toEqual(rows.map((r) => [r.tasks, r.length, r["data/chunk_index"], r["data/file_index"], r.dataset_from_index, r.dataset_to_index, r["meta/episodes/chunk_index"], r["meta/episodes/file_index"]]));
    for (const [i, record] of records.entries()) {
      const row = rows[i]!;
      expect(Object.keys(record.videos)).toEqual(["observation.images.front", "observation.images.top"]);
      for (const [key, v] of Object.entries(record.videos)) {
        expect([v.chunkIndex, v.fileIndex, v.fromTimestampS, v.toTimestampS])
          .toEqual([row[`videos/${key}/chunk_index`], row[`videos/${key}/file_index`], row[`videos/${key}/from_timestamp`], row[`videos/${key}/to_timestamp`]]);
      }
      expect(record.stats.action!.count).toEqual(row["stats/action/count"]);
      expect(record.stats.action!.q99).toEqual(row["stats/action/q99"]);
      // Image stats nest per channel, as [[[r]], [[g]], [[b]]].
      expect(record.stats["observation.images.front"]!.mean).toEqual(row["stats/observation.images.front/mean"]);
    }
  });

  it("gives a row without meta/episodes columns (older writers) meta file 0 of chunk 0", async () => {
    const table = await readParquet(path.join(REAL_FIXTURE, EPISODES));
    const without = table.select(table.schema.fields.map((f) => f.name).filter((n) => !n.startsWith("meta/")));
    expect(parseEpisodesTable(without).map((r) => [r.metaChunkIndex, r.metaFileIndex])).toEqual([[0, 0], [0, 0], [0, 0], [0, 0]]);
  });

  it("names a missing required column", async () => {
    const table = await readParquet(path.join(REAL_FIXTURE, EPISODES));
    const without = table.select(table.schema.fields.map((f) => f.name).filter((n) => n !== "dataset_to_index"));
    expect(() => parseEpisodesTable(without)).toThrow("missing column 'dataset_to_index'");
  });
});

describe("buildEpisodesTable", () => {
  it("rebuilds a LeRobot v0.6 episodes file: the same columns, types and values, as DuckDB reads both", async () => {
    const original = path.join(V06_RECORD, EPISODES);
    const records = parseEpisodesTable(await readParquet(original));
    const rebuilt = path.join(dir, "episodes.parquet");
    fs.writeFileSync(rebuilt, encodeParquet(buildEpisodesTable(records, featuresOf(V06_RECORD))));
    const describe = async (file: string) => (await duck.rows(`DESCRIBE SELECT * FROM read_parquet(${sqlPath(file)})`)).map((r) => `${String(r.column_name)} ${String(r.column_type)}`);
    expect(await describe(rebuilt)).toEqual(await describe(original));
    const rows = async (file: string) => plain(await duck.rows(`SELECT * FROM read_parquet(${sqlPath(file)}) ORDER BY episode_index`));
    expect(await rows(rebuilt)).toEqual(await rows(original));
  });

  it("round-trips records through parseEpisodesTable", () => {
    const features: Record<string, Feature> = {
      "observation.images.front": { dtype: "video", shape: [4, 4, 3] },
      action: { dtype: "float32", shape: [2] },
      note: { dtype: "string", shape: [1] },
    };
    const imageStat = [[[0.5]], [[0.25]], [[0.125]]];
    const record: EpisodeRecord = {
      episodeIndex: 7, tasks: ["pick", "place"], length: 3, dataChunkIndex: 1, dataFileIndex: 2, datasetFromIndex: 100, datasetToIndex: 103,
      videos: { "observation.images.front": { chunkIndex: 0, fileIndex: 4, fromTimestampS: 12.5, toTimestampS: 12.6 } },
      stats: {
        "observation.images.front": { min: imageStat, max: imageStat, mean: imageStat, std: imageStat, count: [3], q01: imageStat, q10: imageStat, q50: imageStat, q90: imageStat, q99: imageStat },
        action: { min: [0, 1], max: [2, 3], mean: [1, 2], std: [0.5, 0.5], count: [3], q01: [0, 1], q10: [0, 1], q50: [1, 2], q90: [2, 3], q99: [2, 3] },
      },
      metaChunkIndex: 0, metaFileIndex: 3,
    };
    const table = buildEpisodesTable([record], features);
    // No stats columns for a string feature (LeRobot skips text).
    expect(table.schema.fields.some((f) => f.name.startsWith("stats/note/"))).toBe(false);
    expect(String(table.getChild("stats/action/count")!.type)).toBe("List<Int64>");
    expect(String(table.getChild("stats/observation.images.front/mean")!.type)).toBe("List<List<List<Float64>>>");
    expect(parseEpisodesTable(table)).toEqual([record]);
  });

  it("refuses a record without a camera's video location or a feature's stats, naming them", () => {
    const features: Record<string, Feature> = { "observation.images.front": { dtype: "video", shape: [4, 4, 3] } };
    const record = { episodeIndex: 2, tasks: [], length: 1, dataChunkIndex: 0, dataFileIndex: 0, datasetFromIndex: 0, datasetToIndex: 1, videos: {}, stats: {}, metaChunkIndex: 0, metaFileIndex: 0 };
    expect(() => buildEpisodesTable([record], features)).toThrow("episode 2 has no video location for 'observation.images.front'");
    expect(() => buildEpisodesTable([record], { action: { dtype: "float32", shape: [2] } })).toThrow("episode 2 has no stats 'min' for 'action'");
  });

  it("builds an empty table with every column for no records", () => {
    const table = buildEpisodesTable([], { action: { dtype: "float32", shape: [2] } });
    expect(table.numRows).toBe(0);
    expect(table.schema.fields.map((f) => f.name)).toContain("stats/action/q99");
    expect(arrow.DataType.isInt(table.getChild("episode_index")!.type)).toBe(true);
  });
});
