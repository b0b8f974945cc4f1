/**
 * An episode's rows as the data parquet holds them: the columns the writer adds (timestamp,
 * indices), the episode's per-feature stats, and the Arrow record batch in features order.
 */
import * as arrow from "apache-arrow";
import type { EpisodeBuffer } from "./episode-buffer.js";
import type { Feature } from "./info.js";
import { dataColumnKeys, featureSize } from "./info.js";
import type { TypedArray } from "./schema.js";
import { arrowTypeForFeature, columnData, dataSchema, imageColumnData, isNumericDtype } from "./schema.js";
import type { DatasetStats, FeatureStats } from "./stats.js";
import { ImageStatsAccumulator, computeNumericStats } from "./stats.js";

/** timestamp, frame_index, episode_index, index, task_index of an episode's rows. */
export function defaultColumns(length: number, fps: number, episodeIndex: number, fromIndex: number, taskIndices: number[]): Record<string, TypedArray> {
  const timestamp = new Float32Array(length);
  const frameIndex = new BigInt64Array(length);
  const index = new BigInt64Array(length);
  for (let i = 0; i < length; i++) {
    timestamp[i] = i / fps;
    frameIndex[i] = BigInt(i);
    index[i] = BigInt(fromIndex + i);
  }
  return {
    timestamp,
    frame_index: frameIndex,
    episode_index: new BigInt64Array(length).fill(BigInt(episodeIndex)),
    index,
    task_index: BigInt64Array.from(taskIndices, (t) => BigInt(t)),
  };
}

/** Stats accumulators of the image features (cameras kept in the parquet as PNG), one per feature. */
export function imageAccumulators(features: Record<string, Feature>): Map<string, ImageStatsAccumulator> {
  const out = new Map<string, ImageStatsAccumulator>();
  for (const [key, f] of Object.entries(features)) {
    if (f.dtype === "image") out.set(key, new ImageStatsAccumulator(f.shape[1]!, f.shape[0]!));
  }
  return out;
}

/** The stats of one episode, per feature: cameras' from their accumulators, numbers computed from the rows. */
export function computeEpisodeStats(
  features: Record<string, Feature>, buffer: EpisodeBuffer, defaults: Record<string, TypedArray>,
  imageStats: (key: string) => FeatureStats,
): DatasetStats {
  const stats: DatasetStats = {};
  for (const [key, feature] of Object.entries(features)) {
    if (feature.dtype === "video" || feature.dtype === "image") stats[key] = imageStats(key);
    else if (key in defaults) stats[key] = computeNumericStats(defaults[key]!, 1);
    else if (isNumericDtype(feature.dtype)) stats[key] = computeNumericStats(buffer.numericValues(key), featureSize(feature));
  }
  return stats;
}

/** One Arrow record batch holding the episode's rows, columns in features order. */
export function buildEpisodeBatch(features: Record<string, Feature>, buffer: EpisodeBuffer, length: number, defaults: Record<string, TypedArray>): arrow.RecordBatch {
  const schema = dataSchema(features);
  const children = dataColumnKeys(features).map((key) => {
    const feature = features[key]!;
    if (feature.dtype === "image") return imageColumnData(buffer.imageValues(key), "png");
    const type = arrowTypeForFeature(key, feature);
    const values = defaults[key] ?? (feature.dtype === "string" ? buffer.stringValues(key) : buffer.numericValues(key));
    return columnData(type, values, length);
  });
  return new arrow.RecordBatch(schema, arrow.makeData({ type: new arrow.Struct(schema.fields), length, children }));
}
