/**
 * meta/episodes/chunk-XXX/file-XXX.parquet: one row per episode, in LeRobot's column names,
 * order and types (as LeRobot v0.6.1's dataset_metadata.py _save_episode_metadata writes them), built from and parsed
 * into EpisodeRecord.
 */
import * as arrow from "apache-arrow";
import type { Feature } from "./info.js";
import { isVideoFeature } from "./info.js";
import type { DatasetStats, FeatureStats, StatValue } from "./stats.js";
import { STAT_NAMES } from "./stats.js";

/** Where one camera's clip of an episode is: its mp4 (`videos/<key>/chunk-<c>/file-<f>.mp4`) and the time span in it. */
export interface EpisodeVideoLocation {
  chunkIndex: number;
  fileIndex: number;
  /** Seconds inside the mp4 where the episode's first frame is. */
  fromTimestampS: number;
  /** Seconds inside the mp4 where the episode ends (exclusive: from + length / fps). */
  toTimestampS: number;
}

/** One row of `meta/episodes/*.parquet`, LeRobot v3.0's episode metadata, in camelCase. */
export interface EpisodeRecord {
  episodeIndex: number;
  /** Task texts of the episode. */
  tasks: string[];
  /** Frames in the episode. */
  length: number;
  /** The data file holding its rows: `data/chunk-<c>/file-<f>.parquet`. */
  dataChunkIndex: number;
  dataFileIndex: number;
  /** Global index of the episode's first frame. */
  datasetFromIndex: number;
  /** Global index one past the episode's last frame. */
  datasetToIndex: number;
  /** Per camera key. */
  videos: Record<string, EpisodeVideoLocation>;
  /** Per-episode stats (`stats/<feature>/<stat>` columns); empty if the file has none. */
  stats: DatasetStats;
  /** The episodes file holding this row: `meta/episodes/chunk-<c>/file-<f>.parquet`. */
  metaChunkIndex: number;
  metaFileIndex: number;
}

const int64 = () => new arrow.Int64();
const float64 = () => new arrow.Float64();
const listOf = (type: arrow.DataType) => new arrow.List(new arrow.Field("item", type, true));

/**
 * Arrow type of `stats/<feature>/<stat>`: `count` is Int64, every other stat Float64 (integer
 * features included: LeRobot v0.6 promotes them to float64 before taking stats, compute_stats.py
 * RunningQuantileStats.update, and stores the arrays' float values, dataset_metadata.py
 * save_episode); images nest 3 deep.
 */
function statType(feature: Feature, stat: string): arrow.DataType {
  if (stat === "count") return listOf(int64());
  if (isVideoFeature(feature) || feature.dtype === "image") return listOf(listOf(listOf(float64())));
  return listOf(float64());
}

function toBig(v: unknown): unknown {
  if (typeof v === "number") return BigInt(Math.round(v));
  if (Array.isArray(v)) return v.map(toBig);
  return v;
}

/** Build the Arrow table of an episodes parquet file from its rows. */
export function buildEpisodesTable(rows: EpisodeRecord[], features: Record<string, Feature>): arrow.Table {
  const videoKeys = Object.keys(features).filter((k) => isVideoFeature(features[k]!));
  // No stats for text (LeRobot compute_stats.py compute_episode_stats skips string and language).
  const statKeys = Object.keys(features).filter((k) => features[k]!.dtype !== "string" && features[k]!.dtype !== "language");
  const columns: Record<string, arrow.Vector> = {};
  const add = (name: string, type: arrow.DataType, values: unknown[]) => {
    columns[name] = arrow.vectorFromArray(values as never[], type);
  };
  const ints = (f: (r: EpisodeRecord) => number) => rows.map((r) => BigInt(f(r)));
  add("episode_index", int64(), ints((r) => r.episodeIndex));
  add("tasks", listOf(new arrow.Utf8()), rows.map((r) => r.tasks));
  add("length", int64(), ints((r) => r.length));
  add("data/chunk_index", int64(), ints((r) => r.dataChunkIndex));
  add("data/file_index", int64(), ints((r) => r.dataFileIndex));
  add("dataset_from_index", int64(), ints((r) => r.datasetFromIndex));
  add("dataset_to_index", int64(), ints((r) => r.datasetToIndex));
  for (const key of videoKeys) {
    const loc = (r: EpisodeRecord) => {
      const v = r.videos[key];
      if (!v) throw new Error(`episode ${r.episodeIndex} has no video location for '${key}'`);
      return v;
    };
    add(`videos/${key}/chunk_index`, int64(), ints((r) => loc(r).chunkIndex));
    add(`videos/${key}/file_index`, int64(), ints((r) => loc(r).fileIndex));
    add(`videos/${key}/from_timestamp`, float64(), rows.map((r) => loc(r).fromTimestampS));
    add(`videos/${key}/to_timestamp`, float64(), rows.map((r) => loc(r).toTimestampS));
  }
  for (const key of statKeys) {
    const feature = features[key]!;
    for (const stat of STAT_NAMES) {
      const type = statType(feature, stat);
      const values = rows.map((r) => {
        const value = r.stats[key]?.[stat];
        if (value === undefined) throw new Error(`episode ${r.episodeIndex} has no stats '${stat}' for '${key}'`);
        return isInt64List(type) ? toBig(value) : value;
      });
      add(`stats/${key}/${stat}`, type, values);
    }
  }
  add("meta/episodes/chunk_index", int64(), ints((r) => r.metaChunkIndex));
  add("meta/episodes/file_index", int64(), ints((r) => r.metaFileIndex));
  return new arrow.Table(columns);
}

function isInt64List(type: arrow.DataType): boolean {
  return arrow.DataType.isList(type) && arrow.DataType.isInt(type.children[0]!.type) && (type.children[0]!.type as arrow.Int).bitWidth === 64;
}

/** Convert an Arrow value (bigint, typed array, nested vectors) to plain numbers/arrays. */
function plain(value: unknown): unknown {
  if (typeof value === "bigint") return Number(value);
  if (value instanceof arrow.Vector) return Array.from(value, plain);
  if (ArrayBuffer.isView(value) && !(value instanceof DataView)) {
    return Array.from(value as unknown as ArrayLike<number | bigint>, (v) => Number(v));
  }
  return value;
}

/**
 * Parse the rows of an episodes table. Missing required columns are reported by name; the
 * caller adds the file. Video keys are discovered from `videos/<key>/from_timestamp` columns.
 */
export function parseEpisodesTable(table: arrow.Table): EpisodeRecord[] {
  const names = table.schema.fields.map((f) => f.name);
  const need = (name: string) => {
    const column = table.getChild(name);
    if (!column) throw new Error(`missing column '${name}'`);
    return column;
  };
  const num = (name: string) => {
    const column = need(name);
    return (i: number) => Number(column.get(i));
  };
  const episodeIndex = num("episode_index");
  const length = num("length");
  const tasks = need("tasks");
  const dataChunk = num("data/chunk_index");
  const dataFile = num("data/file_index");
  const from = num("dataset_from_index");
  const to = num("dataset_to_index");
  const optionalNum = (name: string) => (table.getChild(name) ? num(name) : () => 0);
  const metaChunk = optionalNum("meta/episodes/chunk_index");
  const metaFile = optionalNum("meta/episodes/file_index");
  // Columns are looked up once here, not per row: a dataset may have thousands of episodes.
  const videos = names
    .filter((n) => n.startsWith("videos/") && n.endsWith("/from_timestamp"))
    .map((n) => n.slice("videos/".length, -"/from_timestamp".length))
    .map((key) => ({
      key,
      chunk: num(`videos/${key}/chunk_index`),
      file: num(`videos/${key}/file_index`),
      from: num(`videos/${key}/from_timestamp`),
      to: num(`videos/${key}/to_timestamp`),
    }));
  const statColumns = names
    .filter((n) => n.startsWith("stats/"))
    .map((n) => {
      const rest = n.slice("stats/".length);
      const cut = rest.lastIndexOf("/");
      return { column: table.getChild(n)!, feature: rest.slice(0, cut), stat: rest.slice(cut + 1) };
    });

  const rows: EpisodeRecord[] = [];
  for (let i = 0; i < table.numRows; i++) {
    const locations: Record<string, EpisodeVideoLocation> = {};
    for (const v of videos) {
      locations[v.key] = { chunkIndex: v.chunk(i), fileIndex: v.file(i), fromTimestampS: v.from(i), toTimestampS: v.to(i) };
    }
    const stats: DatasetStats = {};
    for (const { column, feature, stat } of statColumns) {
      const value = plain(column.get(i));
      if (value === null || value === undefined) continue;
      const featureStats = (stats[feature] ??= {} as FeatureStats);
      (featureStats as unknown as Record<string, StatValue | [number]>)[stat] = value as StatValue;
    }
    rows.push({
      episodeIndex: episodeIndex(i),
      tasks: (plain(tasks.get(i)) as string[] | null) ?? [],
      length: length(i),
      dataChunkIndex: dataChunk(i),
      dataFileIndex: dataFile(i),
      datasetFromIndex: from(i),
      datasetToIndex: to(i),
      videos: locations,
      stats,
      metaChunkIndex: metaChunk(i),
      metaFileIndex: metaFile(i),
    });
  }
  return rows;
}
