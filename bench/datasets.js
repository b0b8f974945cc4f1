/**
 * Datasets the benchmarks build: numeric data through DatasetWriter, then cameras attached as
 * LeRobot lays them out (one mp4 per camera holding every episode back to back, made in one
 * encode), so 1,000 episodes x 300 frames with two cameras take seconds to make, not hours.
 */
import fs from "node:fs";
import path from "node:path";
import { DatasetWriter } from "../dist/index.js";
// Stats, parquet and ffmpeg helpers are internal to the dataset layer; the benchmark times them directly.
import { aggregateStats, findFfmpeg, readParquet } from "../dist/dataset/index.js";
import { buildEpisodesTable, parseEpisodesTable } from "../dist/dataset/episodes.js";
import { encodeParquet } from "../dist/dataset/parquet.js";
import { runFfmpeg } from "../dist/system/ffmpeg.js";
import { JOINTS } from "./common.js";

const FPS = 30;
// Tiny frames, so that 300,000 of them per camera encode in seconds.
const DEFAULT_W = 32;
const DEFAULT_H = 24;

export async function writeNumericDataset(root, { episodes, length }) {
  const features = {
    action: { dtype: "float32", shape: [6], names: JOINTS },
    "observation.state": { dtype: "float32", shape: [6], names: JOINTS },
  };
  const writer = await DatasetWriter.create({ root, repoId: "bench/dataset", fps: FPS, robotType: "so101_follower", features });
  const action = new Float32Array(6);
  const state = new Float32Array(6);
  for (let e = 0; e < episodes; e++) {
    for (let k = 0; k < length; k++) {
      const t = k / FPS;
      for (let j = 0; j < 6; j++) {
        action[j] = 40 * Math.sin(0.5 * t * (j + 1) + e * 0.3 + j);
        state[j] = 40 * Math.sin(0.5 * (t - 0.03) * (j + 1) + e * 0.3 + j);
      }
      await writer.addFrame({ task: "pick the cube", action, "observation.state": state });
    }
    await writer.saveEpisode();
  }
  await writer.finalize();
}

/**
 * Give a camera-less dataset two cameras: one mp4 per camera holding every episode back to back
 * (ffmpeg test pattern), their features in info.json, their columns and stats in the episodes
 * metadata and stats.json, all as LeRobot writes them. Frames are tiny unless a size is given.
 */
export async function attachCameras(root, cameras, { width = DEFAULT_W, height = DEFAULT_H } = {}) {
  const ffmpeg = await findFfmpeg({ requireEncoder: "libx264" });
  const infoFile = path.join(root, "meta/info.json");
  const info = JSON.parse(fs.readFileSync(infoFile, "utf8"));
  await Promise.all(cameras.map(async (key) => {
    const out = path.join(root, `videos/${key}/chunk-000/file-000.mp4`);
    fs.mkdirSync(path.dirname(out), { recursive: true });
    const result = await runFfmpeg(ffmpeg, ["-v", "error", "-f", "lavfi", "-i", `testsrc2=size=${width}x${height}:rate=${FPS}`,
      "-frames:v", String(info.total_frames), "-c:v", "libx264", "-preset", "ultrafast", "-g", "2", "-pix_fmt", "yuv420p", out]);
    if (result.code !== 0) throw new Error(`ffmpeg: ${result.stderrTail}`);
  }));
  info.video_path = "videos/{video_key}/chunk-{chunk_index:03d}/file-{file_index:03d}.mp4";
  for (const key of cameras) {
    info.features[key] = {
      dtype: "video", shape: [height, width, 3], names: ["height", "width", "channels"],
      info: { "video.height": height, "video.width": width, "video.codec": "h264", "video.pix_fmt": "yuv420p", "video.is_depth_map": false, "video.fps": FPS, "video.channels": 3, has_audio: false },
    };
  }
  const episodesFile = path.join(root, "meta/episodes/chunk-000/file-000.parquet");
  const records = parseEpisodesTable(await readParquet(episodesFile));
  const channel = (v) => [[[v]], [[v]], [[v]]];
  for (const r of records) {
    for (const key of cameras) {
      r.videos[key] = { chunkIndex: 0, fileIndex: 0, fromTimestampS: r.datasetFromIndex / FPS, toTimestampS: r.datasetToIndex / FPS };
      r.stats[key] = { min: channel(0), max: channel(1), mean: channel(0.5), std: channel(0.25), count: [r.length],
        q01: channel(0.01), q10: channel(0.1), q50: channel(0.5), q90: channel(0.9), q99: channel(0.99) };
    }
  }
  fs.writeFileSync(episodesFile, encodeParquet(buildEpisodesTable(records, info.features)));
  const statsFile = path.join(root, "meta/stats.json");
  const stats = JSON.parse(fs.readFileSync(statsFile, "utf8"));
  const cameraStats = aggregateStats(records.map((r) => Object.fromEntries(cameras.map((k) => [k, r.stats[k]]))));
  fs.writeFileSync(statsFile, JSON.stringify({ ...stats, ...cameraStats }, null, 4));
  fs.writeFileSync(infoFile, JSON.stringify(info, null, 4));
}

