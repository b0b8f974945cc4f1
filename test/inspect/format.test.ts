/**
 * The text `lerobot-ts inspect` prints: key/value lines, aligned tables, long cells cut, sample
 * rows too wide for the screen one field per line. Reports are built here so every value shown
 * is known; the schema check keeps them the shape inspect produces.
 */
import { describe, expect, it } from "vitest";
import { formatBytes, formatInspectReport, formatNumber } from "../../src/inspect/format.js";
import type { DatasetReport, ParquetReport } from "../../src/inspect/report.js";
import { INSPECT_SCHEMA_ID, inspectReportSchema } from "../../src/inspect/report.js";

function parquetReport(over: Partial<ParquetReport> = {}): ParquetReport {
  return inspectReportSchema.parse({
    schema: INSPECT_SCHEMA_ID, kind: "parquet", file: "/data/file-000.parquet", bytes: 2048, numRows: 3, createdBy: "parquet-rs version 53.0.0",
    formatVersion: 2, compression: ["SNAPPY"],
    fields: [{ name: "index", type: "Int64", nullable: false }, { name: "task", type: "Utf8", nullable: true }],
    rowGroups: [{ index: 0, rows: 3, compressedBytes: 1500, uncompressedBytes: 3000 }],
    columnChunks: [{ path: "index", compression: ["SNAPPY"], compressedBytes: 100, uncompressedBytes: 200 }],
    keyValue: [], dimensionNamesFrom: null,
    sample: { start: 0, end: 2, columns: ["index", "task"], rows: [{ index: 0, task: "pick" }, { index: 1, task: "place" }] },
    columnStats: null, episodes: null, ...over,
  }) as ParquetReport;
}

const emptyGroup = { files: [], count: 0, bytes: 0, missing: 0 };

function datasetReport(over: Partial<DatasetReport> = {}): DatasetReport {
  return inspectReportSchema.parse({
    schema: INSPECT_SCHEMA_ID, kind: "dataset", root: "/data/ds", codebaseVersion: "v3.0", robotType: "so101_follower", fps: 30,
    totalEpisodes: 2, totalFrames: 45, durationS: 1.5, tasks: [{ index: 0, task: "pick the cube" }],
    features: [{ key: "action", dtype: "float32", shape: [6], names: ["a", "b", "c", "d", "e", "f"] }, { key: "index", dtype: "int64", shape: [1], names: null }],
    cameras: [],
    files: { data: { files: [{ path: "data/chunk-000/file-000.parquet", exists: true, bytes: 5000 }], count: 1, bytes: 5000, missing: 0 }, videos: emptyGroup, meta: emptyGroup, other: emptyGroup, totalBytes: 5000 },
    episodes: null, ...over,
  }) as DatasetReport;
}

describe("formatNumber", () => {
  it("shows integers as they are, other numbers to 6 significant digits", () => {
    expect(formatNumber(42)).toBe("42");
    expect(formatNumber(-7)).toBe("-7");
    expect(formatNumber(3.14159265)).toBe("3.14159");
    expect(formatNumber(0.1 + 0.2)).toBe("0.3");
  });

  it("uses exponents for very large and very small magnitudes", () => {
    expect(formatNumber(1.5e10 + 0.5)).toBe("1.500e+10");
    expect(formatNumber(1.5e10)).toBe("15000000000"); // an integer: shown whole
    expect(formatNumber(-0.00001234)).toBe("-1.234e-5");
    expect(formatNumber(0)).toBe("0");
  });

  it("shows null as '-' and int64 strings as they are", () => {
    expect(formatNumber(null)).toBe("-");
    expect(formatNumber("9223372036854775807")).toBe("9223372036854775807");
  });
});

describe("formatBytes", () => {
  it("counts bytes under 1 KiB, then KiB, MiB, GiB, TiB to one decimal", () => {
    expect(formatBytes(0)).toBe("0 B");
    expect(formatBytes(1023)).toBe("1023 B");
    expect(formatBytes(1024)).toBe("1.0 KiB");
    expect(formatBytes(1536 * 1024)).toBe("1.5 MiB");
    expect(formatBytes(3 * 1024 ** 3)).toBe("3.0 GiB");
    expect(formatBytes(2 * 1024 ** 4)).toBe("2.0 TiB");
  });
});

describe("formatInspectReport for a parquet file", () => {
  it("starts with the file and its facts, then the schema, row groups and column chunks as aligned tables, ending with a newline", () => {
    const text = formatInspectReport(parquetReport());
    expect(text.endsWith("\n")).toBe(true);
    expect(text.split("\n").slice(0, 7)).toEqual([
      "/data/file-000.parquet",
      "  size         2.0 KiB",
      "  rows         3 in 1 row group",
      "  columns      2",
      "  compression  SNAPPY",
      "  created by   parquet-rs version 53.0.0",
      "  format       parquet v2",
    ]);
    expect(text).toContain("schema\n  column  type   nullable\n  index   Int64  no\n  task    Utf8   yes\n");
    expect(text).toContain("row groups\n  #  rows  compressed  uncompressed\n  0     3     1.5 KiB       2.9 KiB\n");
    expect(text).not.toContain("key-value metadata");
    // Only the row numbers are right-aligned in the sample.
    expect(text).toContain("rows 0:2 of 3\n  row  index  task\n    0  0      pick\n    1  1      place\n");
  });

  it("lists key-value metadata keys with their sizes when there are some", () => {
    const text = formatInspectReport(parquetReport({ keyValue: [{ key: "huggingface", bytes: 2048 }] }));
    expect(text).toContain("key-value metadata\n  key             size\n  huggingface  2.0 KiB\n");
  });

  it("cuts long cells to 64 characters with an ellipsis, and shows newlines as \\n", () => {
    const long = "x".repeat(100);
    const text = formatInspectReport(parquetReport({ sample: { start: 0, end: 1, columns: ["task"], rows: [{ task: long }] } }));
    expect(text).toContain(`${"x".repeat(63)}…`);
    expect(text).not.toContain("x".repeat(64));
    expect(formatInspectReport(parquetReport({ sample: { start: 0, end: 1, columns: ["task"], rows: [{ task: "a\nb" }] } }))).toContain("a\\nb");
  });

  it("shows sample rows too wide for the screen one field per line", () => {
    const columns = Array.from({ length: 8 }, (_, i) => `column_${i}`);
    const row = Object.fromEntries(columns.map((c) => [c, "v".repeat(30)]));
    const report = parquetReport({ sample: { start: 4, end: 5, columns, rows: [row] } });
    const narrow = formatInspectReport(report, { width: 80 });
    expect(narrow).toContain(`  row 4\n    column_0  ${"v".repeat(30)}\n    column_1  ${"v".repeat(30)}\n`);
    const wide = formatInspectReport(report, { width: 1000 });
    expect(wide).toMatch(/^ {2}row {2}column_0 .* column_7$/m);
    expect(wide).not.toContain("  row 4\n");
  });

  it("shows lists in brackets, image structs as their byte summary, nulls as null, and says when there are no rows", () => {
    const rows = [{ v: [1, 2.5], img: { bytes: "<png 120 bytes>", path: null }, n: null }];
    const text = formatInspectReport(parquetReport({ sample: { start: 0, end: 1, columns: ["v", "img", "n"], rows } }));
    expect(text).toMatch(/^ {4}0 {2}\[1, 2\.5\] {2}<png 120 bytes> {2}null$/m);
    expect(formatInspectReport(parquetReport({ sample: { start: 3, end: 3, columns: ["index"], rows: [] } }))).toContain("rows 3:3 of 3\n  (no rows)\n");
  });

  it("tabulates column stats per dimension, with a NaN column only when some value was NaN", () => {
    const dims = [0, 1].map((i) => ({ label: `action[${i}]`, name: `j${i}`, count: 3, nanCount: 0, min: -1.5 * i, max: 2, mean: 0.25 }));
    const stats = [
      { column: "action", type: "FixedSizeList[2]<Float32>", numeric: true, rows: 3, nullCount: 0, count: 6, nanCount: 0, min: -1.5, max: 2, mean: 0.25, dimensions: dims },
      { column: "task", type: "Utf8", numeric: false, rows: 3, nullCount: 1, count: 0, nanCount: 0, min: null, max: null, mean: null, dimensions: null },
    ];
    const text = formatInspectReport(parquetReport({ columnStats: stats }));
    expect(text).toContain([
      "column stats (3 rows read)",
      "  column     name  count  nulls   min  max  mean",
      "  action[0]  j0        3      0     0    2  0.25",
      "  action[1]  j1        3      0  -1.5    2  0.25",
      "  task                 -      1     -    -     -",
    ].join("\n"));
    const withNaN = formatInspectReport(parquetReport({ columnStats: [{ ...stats[1]!, column: "x", numeric: true, count: 2, nanCount: 1, min: 1, max: 1, mean: 1 }] }));
    expect(withNaN).toMatch(/^ {2}column {2}name {2}count {2}nulls {2}NaN {2}min {2}max {2}mean$/m);
  });

  it("tabulates episodes, marking one whose rows are not contiguous", () => {
    const episodes = [
      { episodeIndex: 0, rows: 2, firstRow: 0, lastRow: 2, contiguous: false, firstIndex: 0, lastIndex: 2, firstTimestamp: 0, lastTimestamp: 0.0667 },
      { episodeIndex: 1, rows: 1, firstRow: 1, lastRow: 1, contiguous: true, firstIndex: 1, lastIndex: 1, firstTimestamp: 0, lastTimestamp: 0 },
    ];
    const text = formatInspectReport(parquetReport({ episodes }));
    expect(text).toContain("episodes (2 episode_index values, 3 rows)\n");
    expect(text).toContain("\n       0*     2          0         2            0           2                0          0.0667\n        1     1");
    expect(text).toContain("  * rows of this episode are not contiguous in the file");
    expect(formatInspectReport(parquetReport({ episodes: [episodes[1]!] }))).not.toContain("not contiguous");
  });
});

describe("formatInspectReport for a dataset", () => {
  it("starts with the root and info.json's facts, the duration in seconds, then tasks and features", () => {
    const text = formatInspectReport(datasetReport());
    expect(text.split("\n").slice(0, 7)).toEqual([
      "/data/ds", "  codebase  v3.0", "  robot     so101_follower", "  fps       30", "  episodes  2", "  frames    45 (1.50 s)", "  tasks     1",
    ]);
    expect(text).toContain("tasks\n  index  task\n      0  pick the cube\n");
    expect(text).toContain("features\n  key     dtype    shape  names\n  action  float32  [6]    a, b, c, d, e, f\n  index   int64    [1]    -\n");
  });

  it("gives long durations as a clock too", () => {
    expect(formatInspectReport(datasetReport({ durationS: 3725.4 }))).toContain("(3725.4 s (1:02:05))");
    expect(formatInspectReport(datasetReport({ durationS: 65 }))).toContain("(65.0 s (1:05))");
  });

  it("lists files with sizes, the first 30 of a group, missing ones always, and totals per group", () => {
    const present = Array.from({ length: 32 }, (_, i) => ({ path: `data/chunk-000/file-${String(i).padStart(3, "0")}.parquet`, exists: true, bytes: 1024 }));
    const data = { files: [...present, { path: "data/chunk-001/file-000.parquet", exists: false, bytes: null }], count: 32, bytes: 32 * 1024, missing: 1 };
    const text = formatInspectReport(datasetReport({ files: { data, videos: emptyGroup, meta: emptyGroup, other: emptyGroup, totalBytes: 32 * 1024 } }));
    expect(text).toContain("  data/chunk-000/file-029.parquet  1.0 KiB\n  … and 2 more data files\n  data/chunk-001/file-000.parquet  missing\n");
    expect(text).not.toContain("file-030.parquet");
    // Counts and sizes right-aligned; a group with missing files says how many.
    expect(text).toContain("\n  group      files      size\n  data    32 files  32.0 KiB  1 missing\n  videos   0 files       0 B\n  meta     0 files       0 B\n");
    expect(text).not.toMatch(/^ {2}other/m);
    expect(text).toMatch(/^ {2}total {3}32 files {2}32\.0 KiB$/m);
  });

  it("shows cameras as declared and as probed, missing and unreadable files said so", () => {
    const camera = {
      key: "observation.images.front", storage: "video" as const, codec: "h264", width: 96, height: 64, pixFmt: "yuv420p", fps: 30,
      files: [
        { path: "videos/front/file-000.mp4", exists: true, bytes: 4096, error: null, probe: { codec: "h264", width: 96, height: 64, fps: 30, frameCount: 45, durationS: 1.5 } },
        { path: "videos/front/file-001.mp4", exists: false, bytes: null, error: null, probe: null },
        { path: "videos/front/file-002.mp4", exists: true, bytes: 10, error: "no moov box", probe: null },
      ],
    };
    const text = formatInspectReport(datasetReport({ cameras: [camera] }));
    expect(text).toMatch(/^ {2}observation\.images\.front +video +h264 +96x64 +yuv420p +30 +videos\/front\/file-000\.mp4 +h264 96x64, 45 frames, 30 fps, 1\.50 s, 4\.0 KiB$/m);
    expect(text).toMatch(/^ +videos\/front\/file-001\.mp4 +missing$/m);
    expect(text).toMatch(/^ +videos\/front\/file-002\.mp4 +unreadable: no moov box$/m);
  });

  it("adds the episode table when asked for, cameras by short name, and the remote traffic line", () => {
    const episodes = [{
      episodeIndex: 0, length: 45, durationS: 1.5, tasks: ["pick the cube"], dataFile: "data/chunk-000/file-000.parquet",
      cameras: { "observation.images.front": { file: "videos/observation.images.front/chunk-000/file-000.mp4", fromTimestampS: 0, toTimestampS: 1.5 } },
    }];
    const remote = { repoId: "me/ds", revision: "v3.0", commit: "0123456789abcdef", bytesRead: 12345, datasetBytes: 1234567, requests: 3 };
    const text = formatInspectReport(datasetReport({ episodes, remote }));
    expect(text).toContain([
      "  episode  length  duration  tasks          data file                        front",
      "        0      45    1.50 s  pick the cube  data/chunk-000/file-000.parquet  chunk-000/file-000.mp4 0.00-1.50 s",
    ].join("\n"));
    expect(text.endsWith("\nread 12,345 bytes of 1,234,567 (1.00%) in 3 requests, at commit 01234567\n")).toBe(true);
  });
});
