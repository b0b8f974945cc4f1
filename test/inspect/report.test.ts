/**
 * The zod schema of `inspect --json` (lerobot-ts/inspect@1): real reports of a parquet file and of
 * a dataset validate and survive a JSON round trip; malformed ones are refused. The published
 * JSON Schema (schemas/inspect-v1.schema.json) is checked against the same reports.
 */
import fs from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { inspectDataset } from "../../src/inspect/dataset.js";
import { inspectParquetFile } from "../../src/inspect/parquet-file.js";
import type { DatasetReport, ParquetReport } from "../../src/inspect/report.js";
import { INSPECT_SCHEMA_ID, datasetReportSchema, inspectReportSchema } from "../../src/inspect/report.js";
import { writeSmallDataset } from "../helpers/hub-dataset.js";
import { expectPublishedJson } from "../helpers/published-schema.js";
import { tempDir } from "../helpers/synthetic.js";

let dir: string;
let parquet: ParquetReport;
let dataset: DatasetReport;

beforeAll(async () => {
  dir = tempDir("lerobot-ts-inspect-report-");
  const root = path.join(dir, "ds");
  await writeSmallDataset(root, [4, 6]);
  parquet = await inspectParquetFile(path.join(root, "data/chunk-000/file-000.parquet"));
  dataset = await inspectDataset(root, { episodes: true });
});
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

/** A deep copy of a report with one change applied. */
function changed<T>(report: T, change: (copy: Record<string, unknown>) => void): unknown {
  const copy = JSON.parse(JSON.stringify(report)) as Record<string, unknown>;
  change(copy);
  return copy;
}

describe("inspectReportSchema", () => {
  it("validates real reports of a parquet file and a dataset, which come back equal from JSON", () => {
    expect(parquet.schema).toBe(INSPECT_SCHEMA_ID);
    expect(INSPECT_SCHEMA_ID).toBe("lerobot-ts/inspect@1");
    expect(inspectReportSchema.parse(JSON.parse(JSON.stringify(parquet)))).toEqual(parquet);
    expect(inspectReportSchema.parse(JSON.parse(JSON.stringify(dataset)))).toEqual(dataset);
    expect(parquet.columnStats!.length).toBeGreaterThan(0);
    expect(dataset.episodes).toHaveLength(2);
  });

  it("validates the same reports as the published JSON Schema does", () => {
    expectPublishedJson("inspect-v1.schema.json", JSON.stringify(parquet));
    expectPublishedJson("inspect-v1.schema.json", JSON.stringify(dataset));
  });

  it("refuses another schema id, an unknown kind, and a report missing a field", () => {
    expect(inspectReportSchema.safeParse(changed(parquet, (r) => { r.schema = "lerobot-ts/inspect@2"; })).success).toBe(false);
    expect(inspectReportSchema.safeParse(changed(parquet, (r) => { r.kind = "video"; })).success).toBe(false);
    expect(inspectReportSchema.safeParse(changed(parquet, (r) => { delete r.rowGroups; })).success).toBe(false);
    expect(inspectReportSchema.safeParse(changed(dataset, (r) => { delete r.files; })).success).toBe(false);
  });

  it("tells the two kinds apart: a parquet report labelled dataset is refused", () => {
    expect(inspectReportSchema.safeParse(changed(parquet, (r) => { r.kind = "dataset"; })).success).toBe(false);
  });

  it("refuses values that are not what a reader may rely on: a fractional count, a boolean statistic, a bad camera storage", () => {
    expect(inspectReportSchema.safeParse(changed(parquet, (r) => { r.numRows = 1.5; })).success).toBe(false);
    expect(inspectReportSchema.safeParse(changed(parquet, (r) => { (r.columnStats as Record<string, unknown>[])[0]!.min = true; })).success).toBe(false);
    const camera = { key: "c", storage: "film", codec: null, width: null, height: null, pixFmt: null, fps: null, files: [] };
    expect(inspectReportSchema.safeParse(changed(dataset, (r) => { r.cameras = [camera]; })).success).toBe(false);
    expect(inspectReportSchema.safeParse(changed(dataset, (r) => { r.cameras = [{ ...camera, storage: "image" }]; })).success).toBe(true);
  });

  it("accepts int64 statistics as decimal strings and null for NaN, as the report writes them", () => {
    const report = changed(parquet, (r) => {
      const stats = (r.columnStats as Record<string, unknown>[])[0]!;
      stats.min = "-9223372036854775808";
      stats.mean = null;
    });
    expect(inspectReportSchema.safeParse(report).success).toBe(true);
  });
});

describe("datasetReportSchema", () => {
  it("validates a dataset's report and refuses a parquet file's", () => {
    expect(datasetReportSchema.parse(dataset)).toEqual(dataset);
    expect(datasetReportSchema.safeParse(parquet).success).toBe(false);
  });
});
