/**
 * Writes a LeRobot v2.1 (or v2.0) dataset by the v2.x rules (LeRobot v0.3.x datasets/utils.py and
 * lerobot_dataset.py): one parquet per episode at data/chunk-{episode_chunk:03d}/episode_{episode_index:06d}.parquet
 * with the HF `datasets` 3.x `huggingface` metadata (`Sequence` for vectors), one mp4 per camera
 * per episode at videos/chunk-XXX/<key>/episode_XXXXXX.mp4, meta/episodes.jsonl, meta/tasks.jsonl,
 * and meta/episodes_stats.jsonl (v2.1: no quantiles; camera stats over sampled frames) or, for
 * v2.0, meta/stats.json alone. Rows and frames carry the synthetic codes of synthetic.ts, so what a
 * conversion makes of them can be checked value by value and frame by frame.
 */
import fs from "node:fs";
import path from "node:path";
import * as arrow from "apache-arrow";
import { columnValues } from "../../src/dataset/columns.js";
import { encodeParquet } from "../../src/dataset/parquet.js";
import { pythonJsonDumps } from "../../src/dataset/schema.js";
import type { DatasetStats, FeatureStats } from "../../src/dataset/stats.js";
import { ImageStatsAccumulator, aggregateStats, computeNumericStats } from "../../src/dataset/stats.js";
import { EpisodeVideoEncoder, findFfmpeg, resolveVideoCodec } from "../../src/dataset/video/index.js";
import { sampleIndices } from "../../src/edit/camera-stats.js";
import { barcodeFrame } from "./barcode.js";
import { JOINTS, actionValue, stateValue } from "./synthetic.js";

export interface V21DatasetOptions {
  root: string;
  version?: "v2.1" | "v2.0";
  /** Frames per episode. */
  lengths: number[];
  /** The code episode i carries in its values and barcodes (default i). */
  codes?: number[];
  task: (episode: number) => string;
  cameras?: string[];
  width?: number;
  height?: number;
  fps?: number;
  /** Episodes per chunk folder (LeRobot's default is 1000; small here so several chunks occur). */
  chunksSize?: number;
}

const DATA_PATH = "data/chunk-{episode_chunk:03d}/episode_{episode_index:06d}.parquet";
const VIDEO_PATH = "videos/chunk-{episode_chunk:03d}/{video_key}/episode_{episode_index:06d}.mp4";
const pad = (n: number, width: number) => String(n).padStart(width, "0");

export async function writeV21Dataset(options: V21DatasetOptions): Promise<void> {
  const { root, lengths, task } = options;
  const version = options.version ?? "v2.1";
  const cameras = options.cameras ?? ["front", "wrist"];
  const width = options.width ?? 96;
  const height = options.height ?? 64;
  const fps = options.fps ?? 30;
  const chunksSize = options.chunksSize ?? 2;
  const codes = options.codes ?? lengths.map((_, i) => i);
  const ffmpeg = await findFfmpeg();
  const vcodec = resolveVideoCodec("h264", ffmpeg);

  const tasks: string[] = [];
  const episodesJsonl: string[] = [];
  const statsJsonl: string[] = [];
  const allStats: DatasetStats[] = [];
  let index = 0;
  for (const [e, length] of lengths.entries()) {
    const chunk = Math.floor(e / chunksSize);
    const text = task(e);
    if (!tasks.includes(text)) tasks.push(text);
    const table = episodeTable(codes[e]!, e, length, index, tasks.indexOf(text), fps);
    const dataFile = path.join(root, `data/chunk-${pad(chunk, 3)}/episode_${pad(e, 6)}.parquet`);
    fs.mkdirSync(path.dirname(dataFile), { recursive: true });
    fs.writeFileSync(dataFile, encodeParquet(table));

    const stats: DatasetStats = {};
    for (const field of table.schema.fields) stats[field.name] = withoutQuantiles(numericStats(table, field.name));
    for (const [c, camera] of cameras.entries()) {
      const key = `observation.images.${camera}`;
      const file = path.join(root, `videos/chunk-${pad(chunk, 3)}/${key}/episode_${pad(e, 6)}.mp4`);
      fs.mkdirSync(path.dirname(file), { recursive: true });
      const encoder = EpisodeVideoEncoder.start({ ffmpeg, outPath: file, width, height, fps, vcodec });
      const sampled = new Set(sampleIndices(length));
      const imageStats = new ImageStatsAccumulator(width, height);
      for (let k = 0; k < length; k++) {
        const frame = barcodeFrame(width, height, [codes[e]!, k, c]);
        await encoder.write(frame);
        if (sampled.has(k)) imageStats.push(frame);
      }
      await encoder.finish();
      stats[key] = withoutQuantiles(imageStats.result());
    }
    allStats.push(stats);
    episodesJsonl.push(pythonJsonDumps({ episode_index: e, tasks: [text], length }));
    statsJsonl.push(pythonJsonDumps({ episode_index: e, stats }));
    index += length;
  }

  const meta = path.join(root, "meta");
  fs.mkdirSync(meta, { recursive: true });
  fs.writeFileSync(path.join(meta, "episodes.jsonl"), `${episodesJsonl.join("\n")}\n`);
  fs.writeFileSync(path.join(meta, "tasks.jsonl"), `${tasks.map((t, i) => pythonJsonDumps({ task_index: i, task: t })).join("\n")}\n`);
  if (version === "v2.1") fs.writeFileSync(path.join(meta, "episodes_stats.jsonl"), `${statsJsonl.join("\n")}\n`);
  else fs.writeFileSync(path.join(meta, "stats.json"), JSON.stringify(aggregateStats(allStats), null, 4));
  const info = {
    codebase_version: version,
    robot_type: "so100",
    total_episodes: lengths.length,
    total_frames: index,
    total_tasks: tasks.length,
    total_videos: lengths.length * cameras.length,
    total_chunks: Math.ceil(lengths.length / chunksSize),
    chunks_size: chunksSize,
    fps,
    splits: { train: `0:${lengths.length}` },
    data_path: DATA_PATH,
    video_path: cameras.length > 0 ? VIDEO_PATH : null,
    features: v21Features(cameras, width, height, fps),
  };
  fs.writeFileSync(path.join(meta, "info.json"), JSON.stringify(info, null, 4));
}

/** info.json features as LeRobot v2.1 recorded them: video info from the files, then the default columns. */
function v21Features(cameras: string[], width: number, height: number, fps: number): Record<string, unknown> {
  const features: Record<string, unknown> = {
    action: { dtype: "float32", shape: [6], names: JOINTS },
    "observation.state": { dtype: "float32", shape: [6], names: JOINTS },
  };
  for (const camera of cameras) {
    features[`observation.images.${camera}`] = {
      dtype: "video", shape: [height, width, 3], names: ["height", "width", "channels"],
      info: {
        "video.fps": fps, "video.height": height, "video.width": width, "video.channels": 3, "video.codec": "h264",
        "video.pix_fmt": "yuv420p", "video.is_depth_map": false, has_audio: false,
      },
    };
  }
  for (const name of ["timestamp", "frame_index", "episode_index", "index", "task_index"]) {
    features[name] = { dtype: name === "timestamp" ? "float32" : "int64", shape: [1], names: null };
  }
  return features;
}

/** One episode's rows: columns in features order, vectors as FixedSizeList, HF datasets 3.x metadata. */
function episodeTable(code: number, episode: number, length: number, firstIndex: number, taskIndex: number, fps: number): arrow.Table {
  const vector = (value: (k: number, j: number) => number) => {
    const values = new Float32Array(length * 6);
    for (let k = 0; k < length; k++) for (let j = 0; j < 6; j++) values[k * 6 + j] = value(k, j);
    const type = new arrow.FixedSizeList(6, new arrow.Field("item", new arrow.Float32(), true));
    return arrow.makeData({ type, length, child: arrow.makeData({ type: new arrow.Float32(), length: length * 6, data: values }) });
  };
  const int64s = (value: (k: number) => number) =>
    arrow.makeData({ type: new arrow.Int64(), length, data: BigInt64Array.from({ length }, (_, k) => BigInt(value(k))) });
  const columns: [string, arrow.Data][] = [
    ["action", vector((k, j) => actionValue(code, k, j))],
    ["observation.state", vector((k, j) => stateValue(code, k, j))],
    ["timestamp", arrow.makeData({ type: new arrow.Float32(), length, data: Float32Array.from({ length }, (_, k) => k / fps) })],
    ["frame_index", int64s((k) => k)],
    ["episode_index", int64s(() => episode)],
    ["index", int64s((k) => firstIndex + k)],
    ["task_index", int64s(() => taskIndex)],
  ];
  const sequence = { feature: { dtype: "float32", _type: "Value" }, length: 6, _type: "Sequence" };
  const hf = {
    info: {
      features: {
        action: sequence, "observation.state": sequence, timestamp: { dtype: "float32", _type: "Value" },
        frame_index: { dtype: "int64", _type: "Value" }, episode_index: { dtype: "int64", _type: "Value" },
        index: { dtype: "int64", _type: "Value" }, task_index: { dtype: "int64", _type: "Value" },
      },
    },
  };
  const fields = columns.map(([name, data]) => new arrow.Field(name, data.type, true));
  const schema = new arrow.Schema(fields, new Map([["huggingface", pythonJsonDumps(hf)]]));
  const batch = new arrow.RecordBatch(schema, arrow.makeData({ type: new arrow.Struct(fields), length, children: columns.map(([, d]) => d) }));
  return new arrow.Table([batch]);
}

function numericStats(table: arrow.Table, name: string): FeatureStats {
  const { values, dim } = columnValues(table.getChild(name)!, name);
  return computeNumericStats(values, dim);
}

/** v2.1 stats had min, max, mean, std and count only. */
function withoutQuantiles(stats: FeatureStats): FeatureStats {
  return { min: stats.min, max: stats.max, mean: stats.mean, std: stats.std, count: stats.count };
}
