/**
 * inspectParquetFile on a synthetic dataset (values known exactly), on parquet files that are not
 * LeRobot's, and on the real so101-record-test dataset. Statistics are checked against values
 * computed here straight from the Arrow table.
 */
import fs from "node:fs";
import path from "node:path";
import * as arrow from "apache-arrow";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { encodeParquet, readParquet, readParquetMetadata } from "../../src/dataset/parquet.js";
import { openDataset } from "../../src/dataset/reader.js";
import { DatasetWriter } from "../../src/dataset/writer.js";
import { DatasetError } from "../../src/errors.js";
import { formatInspectReport } from "../../src/inspect/format.js";
import { InspectOptionError } from "../../src/inspect/options.js";
import { inspectParquetFile } from "../../src/inspect/parquet-file.js";
import type { ColumnStats, ParquetReport } from "../../src/inspect/report.js";
import { inspectReportSchema } from "../../src/inspect/report.js";
import { REAL_FIXTURE } from "../helpers/real-fixture.js";
import { JOINTS, actionValue, features, makeFrame, stateValue, tempDir, writeSynthetic } from "../helpers/synthetic.js";

const LENGTHS = [12, 17];
const TOTAL = LENGTHS.reduce((a, b) => a + b, 0);
let dir: string;
let root: string;
let dataFile: string;

beforeAll(async () => {
  dir = tempDir();
  root = path.join(dir, "ds");
  const writer = await writeSynthetic({ root, episodes: LENGTHS, width: 96, height: 64, tasks: (e) => `task ${e}` });
  await writer.finalize();
  dataFile = path.join(root, "data/chunk-000/file-000.parquet");
});
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

/** min / max / mean of dimension `dim` of a column, straight from Arrow's row values. */
function reference(table: arrow.Table, column: string, dim?: number): { min: number; max: number; mean: number } {
  const vector = table.getChild(column)!;
  const values: number[] = [];
  for (let row = 0; row < table.numRows; row++) {
    const cell: unknown = vector.get(row);
    const v = dim === undefined ? cell : (cell as arrow.Vector).get(dim);
    values.push(Number(v));
  }
  // + 0 turns -0 into 0, as a JSON report does.
  return { min: Math.min(...values) + 0, max: Math.max(...values) + 0, mean: values.reduce((a, b) => a + b, 0) / values.length };
}

function statsOf(report: ParquetReport, column: string): ColumnStats {
  const stats = report.columnStats?.find((s) => s.column === column);
  if (!stats) throw new Error(`no stats for ${column}`);
  return stats;
}

describe("inspectParquetFile on a LeRobot data file", () => {
  it("reports the schema, row groups, codecs and metadata keys the footer holds", async () => {
    const report = await inspectParquetFile(dataFile);
    expect(inspectReportSchema.parse(JSON.parse(JSON.stringify(report)))).toEqual(report);
    expect(report.kind).toBe("parquet");
    expect(report.numRows).toBe(TOTAL);
    expect(report.fields.map((f) => f.name)).toEqual(["action", "observation.state", "timestamp", "frame_index", "episode_index", "index", "task_index"]);
    expect(report.fields[0]!.type).toBe("FixedSizeList[6]<Float32>");
    const meta = await readParquetMetadata(dataFile);
    expect(report.rowGroups.map((g) => g.rows)).toEqual(meta.rowGroupRows);
    expect(report.rowGroups.every((g) => g.compressedBytes > 0 && g.uncompressedBytes > 0)).toBe(true);
    expect(report.compression).toEqual(["SNAPPY"]);
    expect(report.columnChunks.map((c) => c.path)).toContain("action.list.item");
    expect(report.keyValue).toEqual([...meta.keyValue].map(([key, value]) => ({ key, bytes: Buffer.byteLength(value) })));
    expect(report.keyValue.map((k) => k.key)).toEqual(expect.arrayContaining(["ARROW:schema", "huggingface"]));
    expect(report.bytes).toBe(fs.statSync(dataFile).size);
  });

  it("samples the first rows by default, with exact values", async () => {
    const report = await inspectParquetFile(dataFile, { stats: false });
    expect(report.sample).toMatchObject({ start: 0, end: 5 });
    expect(report.sample.rows.map((r) => r.index)).toEqual([0, 1, 2, 3, 4]);
    expect(report.sample.rows[3]!.action).toEqual(JOINTS.map((_, j) => actionValue(0, 3, j)));
    expect(report.sample.rows[3]!["observation.state"]).toEqual(JOINTS.map((_, j) => stateValue(0, 3, j)));
    expect(report.columnStats).toBeNull();
  });

  it("--rows A:B gives exactly rows A..B-1, across row groups, with or without stats", async () => {
    expect((await readParquetMetadata(dataFile)).rowGroupRows).toEqual(LENGTHS);
    for (const stats of [true, false]) {
      const a = await inspectParquetFile(dataFile, { rows: { start: 3, end: 5 }, stats });
      expect(a.sample.rows.map((r) => r.index)).toEqual([3, 4]);
      // Rows 10..13 straddle the first episode's row group and the second's.
      const b = await inspectParquetFile(dataFile, { rows: { start: 10, end: 14 }, columns: ["index", "episode_index", "frame_index"], stats });
      expect(b.sample.rows).toEqual([
        { index: 10, episode_index: 0, frame_index: 10 },
        { index: 11, episode_index: 0, frame_index: 11 },
        { index: 12, episode_index: 1, frame_index: 0 },
        { index: 13, episode_index: 1, frame_index: 1 },
      ]);
      const past = await inspectParquetFile(dataFile, { rows: { start: TOTAL - 1, end: TOTAL + 10 }, stats });
      expect(past.sample).toMatchObject({ start: TOTAL - 1, end: TOTAL });
      expect(past.sample.rows.map((r) => r.index)).toEqual([TOTAL - 1]);
    }
  });

  it("--columns limits sample rows and stats, not the schema", async () => {
    const report = await inspectParquetFile(dataFile, { columns: ["timestamp", "index"], head: 2 });
    expect(report.sample.columns).toEqual(["timestamp", "index"]);
    expect(report.sample.rows.map((r) => Object.keys(r))).toEqual([["timestamp", "index"], ["timestamp", "index"]]);
    expect(report.columnStats!.map((s) => s.column)).toEqual(["timestamp", "index"]);
    expect(report.fields).toHaveLength(7);
    await expect(inspectParquetFile(dataFile, { columns: ["nope"] })).rejects.toThrow(InspectOptionError);
    await expect(inspectParquetFile(dataFile, { rows: { start: 5, end: 3 } })).rejects.toThrow(InspectOptionError);
  });

  it("column stats equal min / max / mean computed from the Arrow table, per named dimension", async () => {
    const report = await inspectParquetFile(dataFile);
    const table = await readParquet(dataFile);
    for (const column of ["action", "observation.state"]) {
      const stats = statsOf(report, column);
      expect(stats.numeric).toBe(true);
      expect(stats.dimensions).toHaveLength(6);
      stats.dimensions!.forEach((d, j) => {
        const ref = reference(table, column, j);
        expect(d.label).toBe(`${column}[${j}]`);
        expect(d.name).toBe(JOINTS[j]);
        expect(d.count).toBe(TOTAL);
        expect(d.min).toBe(ref.min);
        expect(d.max).toBe(ref.max);
        expect(d.mean).toBeCloseTo(ref.mean, 9);
      });
      expect(stats.min).toBe(Math.min(...stats.dimensions!.map((d) => d.min as number)));
    }
    for (const column of ["timestamp", "frame_index", "episode_index", "index"]) {
      const stats = statsOf(report, column);
      const ref = reference(table, column);
      expect([stats.min, stats.max, stats.nullCount, stats.dimensions]).toEqual([ref.min, ref.max, 0, null]);
      expect(stats.mean).toBeCloseTo(ref.mean, 9);
    }
    expect(statsOf(report, "index")).toMatchObject({ min: 0, max: TOTAL - 1, mean: (TOTAL - 1) / 2 });
    expect(report.dimensionNamesFrom).toBe(path.join(root, "meta/info.json"));
  });

  it("breaks rows down by episode_index, with index and timestamp spans", async () => {
    const report = await inspectParquetFile(dataFile, { columns: ["action"] });
    let from = 0;
    expect(report.episodes).toEqual(LENGTHS.map((length, e) => {
      const row = {
        episodeIndex: e, rows: length, firstRow: from, lastRow: from + length - 1, contiguous: true,
        firstIndex: from, lastIndex: from + length - 1, firstTimestamp: 0, lastTimestamp: Math.fround((length - 1) / 30),
      };
      from += length;
      return row;
    }));
  });

  it("refuses a truncated copy with a DatasetError naming the file", async () => {
    const truncated = path.join(dir, "truncated.parquet");
    const bytes = fs.readFileSync(dataFile);
    fs.writeFileSync(truncated, bytes.subarray(0, Math.floor(bytes.length / 2)));
    await expect(inspectParquetFile(truncated)).rejects.toThrow(DatasetError);
    await expect(inspectParquetFile(truncated)).rejects.toThrow(`${truncated} has no parquet footer`);
  });
});

describe("inspectParquetFile on other parquet files", () => {
  it("summarises image structs as <png N bytes>, never their bytes", async () => {
    const imgRoot = path.join(dir, "images");
    const writer = await DatasetWriter.create({
      root: imgRoot, repoId: "t/images", fps: 30, robotType: null, useVideos: false, features: features(["front"], 96, 64),
    });
    for (let k = 0; k < 4; k++) await writer.addFrame(makeFrame(0, k, ["front"], 96, 64, "look"));
    await writer.saveEpisode();
    await writer.finalize();
    const file = path.join(imgRoot, "data/chunk-000/file-000.parquet");
    const report = await inspectParquetFile(file, { head: 2 });
    const table = await readParquet(file);
    const key = "observation.images.front";
    report.sample.rows.forEach((row, i) => {
      const bytes = (table.getChild(key)!.get(i) as { bytes: Uint8Array }).bytes;
      expect(row[key]).toEqual({ bytes: `<png ${bytes.byteLength} bytes>`, path: `frame-00000${i}.png` });
    });
    expect(statsOf(report, key)).toMatchObject({ numeric: false, nullCount: 0, min: null, dimensions: null });
    expect(formatInspectReport(report)).toMatch(/<png \d+ bytes>/);
  });

  it("reads any parquet: nulls, NaN, big int64, strings and variable-length lists", async () => {
    const big = 2n ** 60n + 1n;
    const table = new arrow.Table({
      name: arrow.vectorFromArray(["a", null, "c\nd"], new arrow.Utf8()),
      n: arrow.vectorFromArray([1, null, 3], new arrow.Int32()),
      big: arrow.vectorFromArray([big, 5n, -big], new arrow.Int64()),
      x: arrow.vectorFromArray([1.5, Number.NaN, -2.5], new arrow.Float64()),
      list: arrow.vectorFromArray([[1, 2], [], [3, 4, 5]], new arrow.List(new arrow.Field("item", new arrow.Float64(), true))),
    });
    const file = path.join(dir, "plain.parquet");
    fs.writeFileSync(file, encodeParquet(table));
    const report = await inspectParquetFile(file);
    const json = JSON.parse(JSON.stringify(report)) as unknown;
    expect(inspectReportSchema.parse(json)).toEqual(report);
    expect(report.dimensionNamesFrom).toBeNull();
    expect(report.episodes).toBeNull();
    expect(report.sample.rows).toEqual([
      { name: "a", n: 1, big: big.toString(), x: 1.5, list: [1, 2] },
      { name: null, n: null, big: 5, x: null, list: [] },
      { name: "c\nd", n: 3, big: (-big).toString(), x: -2.5, list: [3, 4, 5] },
    ]);
    expect(statsOf(report, "n")).toMatchObject({ nullCount: 1, count: 2, min: 1, max: 3, mean: 2 });
    expect(statsOf(report, "name")).toMatchObject({ numeric: false, nullCount: 1 });
    expect(statsOf(report, "big")).toMatchObject({ min: (-big).toString(), max: big.toString() });
    expect(statsOf(report, "x")).toMatchObject({ count: 2, nanCount: 1, min: -2.5, max: 1.5, mean: -0.5 });
    expect(statsOf(report, "list")).toMatchObject({ count: 5, min: 1, max: 5, mean: 3, dimensions: null });
    expect(formatInspectReport(report)).toContain("c\\nd");
  });
});

describe("inspect on the real LeRobot dataset so101-record-test", () => {
  const DATA = path.join(REAL_FIXTURE, "data/chunk-000/file-000.parquet");

  it("data parquet: the episode breakdown matches the episodes metadata", async () => {
    const report = await inspectParquetFile(DATA, { columns: ["action", "index"] });
    const dataset = await openDataset(REAL_FIXTURE);
    expect(report.numRows).toBe(1492);
    expect(report.episodes!.reduce((n, e) => n + e.rows, 0)).toBe(1492);
    expect(report.episodes!.map((e) => [e.episodeIndex, e.rows, e.firstIndex, e.lastIndex])).toEqual(
      dataset.episodes.map((e) => [e.episodeIndex, e.length, e.datasetFromIndex, e.datasetToIndex - 1]),
    );
    expect(statsOf(report, "action").dimensions!.map((d) => d.name)).toEqual(dataset.features.action!.names);
    const table = await readParquet(DATA, { columns: ["action"] });
    const ref = reference(table, "action", 1);
    expect(statsOf(report, "action").dimensions![1]).toMatchObject({ min: ref.min, max: ref.max });
  });

  it("meta/episodes parquet: list and nested-list stats columns are summarised", async () => {
    const report = await inspectParquetFile(path.join(REAL_FIXTURE, "meta/episodes/chunk-000/file-000.parquet"), { head: 1 });
    expect(inspectReportSchema.parse(JSON.parse(JSON.stringify(report)))).toEqual(report);
    expect(report.numRows).toBe(4);
    const row = report.sample.rows[0]!;
    expect(row.tasks).toEqual(["Pick the orange cube and place it in the box"]);
    expect(row["stats/observation.images.front/min"]).toEqual([[[expect.any(Number)]], [[expect.any(Number)]], [[expect.any(Number)]]]);
    expect(statsOf(report, "length")).toMatchObject({ min: 372, max: 374, mean: 373 });
    expect(statsOf(report, "stats/observation.images.front/mean")).toMatchObject({ numeric: true, count: 12, dimensions: null });
    expect(report.episodes!.map((e) => e.rows)).toEqual([1, 1, 1, 1]);
  });

  it("tasks.parquet: the pandas index column holds the task text", async () => {
    const report = await inspectParquetFile(path.join(REAL_FIXTURE, "meta/tasks.parquet"));
    expect(report.fields.map((f) => f.name)).toEqual(["task_index", "__index_level_0__"]);
    expect(report.keyValue.map((k) => k.key)).toContain("pandas");
    expect(report.sample.rows).toEqual([{ task_index: 0, __index_level_0__: "Pick the orange cube and place it in the box" }]);
  });
});
