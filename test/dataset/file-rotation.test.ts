/**
 * Which data file and episodes metadata file a save appends to, and when each is full: past its
 * size limit, or once its footer passed AppendedParquetFile.footerLimitBytes. Real parquet pieces
 * are staged, committed and accepted as a save does, then read back.
 */
import fs from "node:fs";
import path from "node:path";
import * as arrow from "apache-arrow";
import { afterAll, afterEach, describe, expect, it } from "vitest";
import { AppendedParquetFile } from "../../src/dataset/appended-parquet.js";
import type { EpisodeRecord } from "../../src/dataset/episodes.js";
import { buildEpisodesTable, parseEpisodesTable } from "../../src/dataset/episodes.js";
import { checkFeatureSpecs } from "../../src/dataset/feature-specs.js";
import { MIB, firstFile } from "../../src/dataset/file-cursors.js";
import { DataFileTarget, EpisodesFileTarget } from "../../src/dataset/file-rotation.js";
import type { DatasetInfo } from "../../src/dataset/info.js";
import { encodeParquet, readParquet, readParquetMetadata } from "../../src/dataset/parquet.js";
import { computeNumericStats } from "../../src/dataset/stats.js";
import { newDatasetInfo } from "../../src/dataset/writer-start.js";
import { tempDir } from "../helpers/synthetic.js";

const dir = tempDir();
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));
afterEach(() => { AppendedParquetFile.footerLimitBytes = 1024 * 1024; });

let roots = 0;
function dataset(options: { dataFilesSizeInMb?: number; chunksSize?: number } = {}): { root: string; info: DatasetInfo } {
  const root = path.join(dir, `ds-${roots++}`);
  const features = checkFeatureSpecs({ x: { dtype: "float64", shape: [1] } }, true);
  return { root, info: newDatasetInfo({ root, repoId: "t/r", fps: 30, robotType: null, features: {}, ...options }, features) };
}

/** A parquet piece of `length` rows of x = from, from + 1, ... */
const rows = (from: number, length: number) =>
  encodeParquet(new arrow.Table({ x: arrow.makeVector(Float64Array.from({ length }, (_, i) => from + i)) }));

/** Save an episode of `length` rows the way the writer does: pick the file, stage, commit, accept. */
async function saveRows(target: DataFileTarget, from: number, length: number): Promise<{ file: AppendedParquetFile; size: number }> {
  const file = target.fileFor(length);
  const piece = await file.stage(rows(from, length));
  await piece.step.commit();
  target.accept(file, piece, length);
  return { file, size: piece.size };
}

describe("DataFileTarget", () => {
  it("appends episodes to the same file, one row group each, while under the limits", async () => {
    const { root, info } = dataset();
    const target = new DataFileTarget(root, info, firstFile());
    const first = await saveRows(target, 0, 4);
    const second = await saveRows(target, 4, 6);
    expect(second.file).toBe(first.file);
    expect(first.file.path).toBe(path.join(root, "data/chunk-000/file-000.parquet"));
    expect(target.cursor).toEqual({ chunk: 0, file: 0, exists: true });
    expect((await readParquetMetadata(first.file.path)).rowGroupRows).toEqual([4, 6]);
    expect(Array.from((await readParquet(first.file.path)).getChild("x")!.toArray() as Float64Array)).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
  });

  it("starts the next file when the file's size plus the episode's estimate (bytes per row so far) reaches the limit", async () => {
    // Learn the size of a 10-row file, then set the limit exactly at the estimate for 10 more rows.
    const probe = dataset();
    const { size } = await saveRows(new DataFileTarget(probe.root, probe.info, firstFile()), 0, 10);
    const estimateFor = (length: number) => size + (size / 10) * length;

    const { root, info } = dataset({ dataFilesSizeInMb: estimateFor(10) / MIB });
    const target = new DataFileTarget(root, info, firstFile());
    const first = await saveRows(target, 0, 10);
    expect(first.size).toBe(size);
    expect(target.fileFor(9)).toBe(first.file); // estimate below the limit: same file
    const next = target.fileFor(10); // estimate at the limit: the next file
    expect(next).not.toBe(first.file);
    expect(next.path).toBe(path.join(root, "data/chunk-000/file-001.parquet"));
    expect(target.cursor).toEqual({ chunk: 0, file: 1, exists: false });
    // The full file is left as it was.
    expect((await readParquetMetadata(first.file.path)).rowGroupRows).toEqual([10]);
  });

  it("starts the next file once the footer passed its bound, rolling over to the next chunk", async () => {
    // The bound is 1 MiB (appended-parquet.ts): a 3-row file's footer is far below it.
    expect(AppendedParquetFile.footerLimitBytes).toBe(MIB);
    const { root, info } = dataset({ chunksSize: 1 });
    const target = new DataFileTarget(root, info, firstFile());
    const first = await saveRows(target, 0, 3);
    expect(first.file.footerFull).toBe(false);
    expect(target.fileFor(3)).toBe(first.file);
    AppendedParquetFile.footerLimitBytes = 1; // any footer is past a 1-byte bound
    expect(first.file.footerFull).toBe(true);
    const second = await saveRows(target, 3, 3);
    expect(second.file.path).toBe(path.join(root, "data/chunk-001/file-000.parquet"));
    expect(target.cursor).toEqual({ chunk: 1, file: 0, exists: true });
    expect((await readParquetMetadata(second.file.path)).rowGroupRows).toEqual([3]);
  });

  it("starts a resumed writer in the file its cursor names, never an existing one", async () => {
    const { root, info } = dataset();
    const target = new DataFileTarget(root, info, { chunk: 2, file: 5, exists: false });
    expect(target.fileFor(100).path).toBe(path.join(root, "data/chunk-002/file-005.parquet"));
  });
});

const FEATURES = checkFeatureSpecs({ x: { dtype: "float64", shape: [1] } }, true);

function record(e: number, target: EpisodesFileTarget): EpisodeRecord {
  return {
    episodeIndex: e, tasks: ["t"], length: 1, dataChunkIndex: 0, dataFileIndex: 0, datasetFromIndex: e, datasetToIndex: e + 1,
    videos: {}, stats: Object.fromEntries(Object.keys(FEATURES).map((k) => [k, computeNumericStats([e], 1)])), metaChunkIndex: target.cursor.chunk, metaFileIndex: target.cursor.file,
  };
}

/** Place, stage, commit and accept episode e's row as a save does; returns where it went. */
async function saveRow(target: EpisodesFileTarget, e: number) {
  target.rotateIfFull();
  const place = target.place(record(e, target));
  const piece = await place.file.stage(encodeParquet(buildEpisodesTable(place.openRows, FEATURES)), place.keep);
  await piece.step.commit();
  target.accept(place, piece);
  return place;
}

describe("EpisodesFileTarget", () => {
  it("re-encodes the last row group with each new row until it holds 50, then seals it and starts the next", { timeout: 30_000 }, async () => {
    const { root, info } = dataset();
    const target = new EpisodesFileTarget(root, info, firstFile());
    const first = await saveRow(target, 0);
    expect(first.keep).toBe(0);
    expect(first.openRows.map((r) => r.episodeIndex)).toEqual([0]);
    const second = await saveRow(target, 1);
    expect(second.file).toBe(first.file);
    expect(second.keep).toBe(0); // the one row group is still filling: replaced, not kept
    expect(second.openRows.map((r) => r.episodeIndex)).toEqual([0, 1]);
    for (let e = 2; e < 50; e++) await saveRow(target, e);
    expect(first.file.rowGroupRows).toEqual([50]);
    const sealed = await saveRow(target, 50);
    expect(sealed.keep).toBe(1);
    expect(sealed.openRows.map((r) => r.episodeIndex)).toEqual([50]);
    const after = await saveRow(target, 51);
    expect(after.keep).toBe(1);
    expect(after.openRows.map((r) => r.episodeIndex)).toEqual([50, 51]);
    expect((await readParquetMetadata(first.file.path)).rowGroupRows).toEqual([50, 2]);
    expect(parseEpisodesTable(await readParquet(first.file.path)).map((r) => r.episodeIndex)).toEqual(Array.from({ length: 52 }, (_, e) => e));
  });

  it("moves to the next file when the current one is past the size limit or its footer bound, not before it was written", async () => {
    const { root, info } = dataset({ dataFilesSizeInMb: 1e-9, chunksSize: 2 }); // any file is past a 1e-9 MB limit
    const target = new EpisodesFileTarget(root, info, firstFile());
    target.rotateIfFull(); // nothing written yet: stays
    expect(target.cursor).toEqual({ chunk: 0, file: 0, exists: false });
    const places = [];
    for (let e = 0; e < 3; e++) places.push(await saveRow(target, e));
    expect(places.map((p) => path.relative(root, p.file.path))).toEqual([
      "meta/episodes/chunk-000/file-000.parquet", "meta/episodes/chunk-000/file-001.parquet", "meta/episodes/chunk-001/file-000.parquet",
    ]);
    // Each new file starts a fresh row group with only its own row.
    expect(places.map((p) => [p.keep, p.openRows.map((r) => r.episodeIndex)])).toEqual([[0, [0]], [0, [1]], [0, [2]]]);

    const footer = dataset();
    const byFooter = new EpisodesFileTarget(footer.root, footer.info, firstFile());
    await saveRow(byFooter, 0);
    await saveRow(byFooter, 1);
    expect(byFooter.cursor).toEqual({ chunk: 0, file: 0, exists: true });
    AppendedParquetFile.footerLimitBytes = 1;
    const moved = await saveRow(byFooter, 2);
    expect(path.relative(footer.root, moved.file.path)).toBe("meta/episodes/chunk-000/file-001.parquet");
  });
});
