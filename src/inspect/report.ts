/**
 * What `inspect` reports, as zod schemas: the JSON document (`lerobot-ts/inspect@1`) is exactly
 * these objects, so a consumer (or a test) can validate it with `inspectReportSchema.parse`.
 * Every value is JSON-safe: int64 beyond 2^53 is a decimal string, NaN / Infinity are null.
 */
import { z } from "zod";
import { remoteTrafficSchema } from "../dataset/index.js";

/** The `schema` field of every inspect report: fields may be added under @1, none removed or renamed. */
export const INSPECT_SCHEMA_ID = "lerobot-ts/inspect@1";

/** A number as read from a file: exact, a decimal string when an int64 does not fit a double, or null. */
const statNumberSchema = z.union([z.number(), z.string()]).nullable();

const fieldReportSchema = z.object({
  name: z.string(),
  /** Arrow's name for the type, e.g. `FixedSizeList[6]<Float32>`, `Struct<{bytes:Binary, path:Utf8}>`. */
  type: z.string(),
  nullable: z.boolean(),
});

const rowGroupReportSchema = z.object({
  index: z.number().int(),
  rows: z.number().int(),
  compressedBytes: z.number().int(),
  uncompressedBytes: z.number().int(),
});

const columnChunkReportSchema = z.object({
  /** Parquet leaf column path, dotted (`action.list.element`). */
  path: z.string(),
  compression: z.array(z.string()),
  compressedBytes: z.number().int(),
  uncompressedBytes: z.number().int(),
});

const dimensionStatsSchema = z.object({
  /** `action[0]` */
  label: z.string(),
  /** The dimension's name from info.json (`shoulder_pan.pos`), when known. */
  name: z.string().nullable(),
  count: z.number().int(),
  nanCount: z.number().int(),
  min: statNumberSchema,
  max: statNumberSchema,
  mean: statNumberSchema,
});

const columnStatsSchema = z.object({
  column: z.string(),
  type: z.string(),
  /** Numeric (int, float, bool, or lists of them): min / max / mean are computed. */
  numeric: z.boolean(),
  rows: z.number().int(),
  nullCount: z.number().int(),
  /** Numeric values counted (all list items), NaN and nulls excluded. */
  count: z.number().int(),
  nanCount: z.number().int(),
  min: statNumberSchema,
  max: statNumberSchema,
  mean: statNumberSchema,
  /** Per dimension, for fixed-size-list columns (vectors); null otherwise. */
  dimensions: z.array(dimensionStatsSchema).nullable(),
});

const episodeBreakdownSchema = z.object({
  episodeIndex: statNumberSchema,
  rows: z.number().int(),
  /** Row positions in the file of the episode's first and last rows. */
  firstRow: z.number().int(),
  lastRow: z.number().int(),
  /** Whether the episode's rows are one contiguous run. */
  contiguous: z.boolean(),
  /** Values of the `index` column (global frame index) at those rows, when the file has one. */
  firstIndex: statNumberSchema,
  lastIndex: statNumberSchema,
  firstTimestamp: statNumberSchema,
  lastTimestamp: statNumberSchema,
});

const parquetReportSchema = z.object({
  schema: z.literal(INSPECT_SCHEMA_ID),
  kind: z.literal("parquet"),
  file: z.string(),
  bytes: z.number().int(),
  numRows: z.number().int(),
  createdBy: z.string().nullable(),
  formatVersion: z.number().int(),
  compression: z.array(z.string()),
  fields: z.array(fieldReportSchema),
  rowGroups: z.array(rowGroupReportSchema),
  columnChunks: z.array(columnChunkReportSchema),
  /** Key-value metadata keys with the size of their value, never the value itself. */
  keyValue: z.array(z.object({ key: z.string(), bytes: z.number().int() })),
  /** The info.json dimension names were taken from, when the file sits in a dataset. */
  dimensionNamesFrom: z.string().nullable(),
  sample: z.object({
    /** Half-open row range [start, end) of the rows shown. */
    start: z.number().int(),
    end: z.number().int(),
    columns: z.array(z.string()),
    /** One object per row, keyed by column; binary values are summarised (`<png 1234 bytes>`). */
    rows: z.array(z.record(z.string(), z.json())),
  }),
  /** Null when statistics were not asked for. */
  columnStats: z.array(columnStatsSchema).nullable(),
  /** Rows per episode_index, when the file has that column. */
  episodes: z.array(episodeBreakdownSchema).nullable(),
});

const featureReportSchema = z.object({
  key: z.string(),
  dtype: z.string(),
  shape: z.array(z.number().int()),
  names: z.array(z.string()).nullable(),
});

const mp4ProbeSchema = z.object({
  codec: z.string(),
  width: z.number().int(),
  height: z.number().int(),
  fps: z.number(),
  frameCount: z.number().int(),
  durationS: z.number(),
});

const cameraFileSchema = z.object({
  /** Relative to the dataset root. */
  path: z.string(),
  exists: z.boolean(),
  bytes: z.number().int().nullable(),
  /** What the mp4's boxes say; null when the file is missing or unreadable. */
  probe: mp4ProbeSchema.nullable(),
  /** Why the file could not be probed (it is described, not judged: that is verify's job). */
  error: z.string().nullable(),
});

const cameraReportSchema = z.object({
  key: z.string(),
  /** `video`: mp4 files; `image`: PNGs inside the data parquet. */
  storage: z.enum(["video", "image"]),
  codec: z.string().nullable(),
  width: z.number().int().nullable(),
  height: z.number().int().nullable(),
  pixFmt: z.string().nullable(),
  fps: z.number().nullable(),
  files: z.array(cameraFileSchema),
});

const fileEntrySchema = z.object({
  path: z.string(),
  exists: z.boolean(),
  bytes: z.number().int().nullable(),
});

const fileGroupSchema = z.object({
  /** Files on disk, plus files the metadata points at that are missing. */
  files: z.array(fileEntrySchema),
  count: z.number().int(),
  bytes: z.number().int(),
  missing: z.number().int(),
});

const episodeRowSchema = z.object({
  episodeIndex: z.number().int(),
  length: z.number().int(),
  durationS: z.number(),
  tasks: z.array(z.string()),
  dataFile: z.string(),
  cameras: z.record(z.string(), z.object({ file: z.string(), fromTimestampS: z.number(), toTimestampS: z.number() })),
});

export const datasetReportSchema = z.object({
  schema: z.literal(INSPECT_SCHEMA_ID),
  kind: z.literal("dataset"),
  root: z.string(),
  codebaseVersion: z.string(),
  robotType: z.string().nullable(),
  fps: z.number(),
  totalEpisodes: z.number().int(),
  totalFrames: z.number().int(),
  /** total_frames / fps. */
  durationS: z.number(),
  tasks: z.array(z.object({ index: z.number().int(), task: z.string() })),
  features: z.array(featureReportSchema),
  cameras: z.array(cameraReportSchema),
  files: z.object({
    data: fileGroupSchema,
    videos: fileGroupSchema,
    meta: fileGroupSchema,
    other: fileGroupSchema,
    totalBytes: z.number().int(),
  }),
  /** The per-episode table; null unless asked for. */
  episodes: z.array(episodeRowSchema).nullable(),
  /** Present when the dataset was read on the Hub in place: what that cost. */
  remote: remoteTrafficSchema.optional(),
});

/**
 * The published zod schema of `lerobot-ts inspect --json` (schemas/inspect-v1.schema.json is
 * generated from it): a parquet file's report or a dataset's, told apart by `kind`.
 */
export const inspectReportSchema = z.discriminatedUnion("kind", [parquetReportSchema, datasetReportSchema]);

/** inspect's report on one parquet file (`kind: "parquet"`): schema, row groups, column chunks, sample rows, column stats. */
export type ParquetReport = z.infer<typeof parquetReportSchema>;
/** inspect's report on a dataset (`kind: "dataset"`): info, features, cameras, files, tasks, episodes. */
export type DatasetReport = z.infer<typeof datasetReportSchema>;
/** Either inspect report, as `inspect --json` prints it. */
export type InspectReport = z.infer<typeof inspectReportSchema>;
/** Statistics of one parquet column (min, max, mean, nulls; per dimension for vector columns). */
export type ColumnStats = z.infer<typeof columnStatsSchema>;
/** Statistics of one dimension of a vector column. */
export type DimensionStats = z.infer<typeof dimensionStatsSchema>;
/** One episode's rows in a data parquet file: its index range and timestamps. */
export type EpisodeBreakdown = z.infer<typeof episodeBreakdownSchema>;
/** One camera of a dataset: its feature, video info and files. */
export type CameraReport = z.infer<typeof cameraReportSchema>;
/** A group of a dataset's files (data, videos, meta, other): count, bytes, the first files listed. */
export type FileGroup = z.infer<typeof fileGroupSchema>;
export type StatNumber = z.infer<typeof statNumberSchema>;
export type JsonValue = z.infer<ReturnType<typeof z.json>>;
