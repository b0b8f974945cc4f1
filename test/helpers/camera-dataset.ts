/**
 * A many-episode dataset with two real-sized cameras, made in seconds: numeric data through
 * DatasetWriter, then one mp4 per camera holding every episode back to back (one ffmpeg encode of
 * a test pattern, copied for the second camera), with info.json, the episodes' video columns and
 * camera stats as LeRobot writes them. Its videos outweigh its data as a real recording's do.
 */
import fs from "node:fs";
import path from "node:path";
import { buildEpisodesTable, parseEpisodesTable } from "../../src/dataset/episodes.js";
import type { DatasetInfo } from "../../src/dataset/info.js";
import { encodeParquet, readParquet } from "../../src/dataset/parquet.js";
import { aggregateStats } from "../../src/dataset/stats.js";
import { findFfmpeg, runFfmpeg } from "../../src/system/ffmpeg.js";
import { DatasetWriter } from "../../src/dataset/writer.js";
import { JOINTS } from "./synthetic.js";

const FPS = 30;
export const CAMERA_KEYS = ["observation.images.front", "observation.images.wrist"];

export async function writeCameraDataset(root: string, options: { episodes: number; length: number; width: number; height: number }): Promise<void> {
  const { episodes, length, width, height } = options;
  const writer = await DatasetWriter.create({
    root, repoId: "test/cameras", fps: FPS, robotType: "so101_follower",
    features: {
      action: { dtype: "float32", shape: [6], names: JOINTS },
      "observation.state": { dtype: "float32", shape: [6], names: JOINTS },
    },
  });
  const action = new Float32Array(6);
  const state = new Float32Array(6);
  for (let e = 0; e < episodes; e++) {
    for (let k = 0; k < length; k++) {
      for (let j = 0; j < 6; j++) {
        action[j] = 40 * Math.sin((k / FPS) * (j + 1) + e + j);
        state[j] = 40 * Math.sin(((k - 1) / FPS) * (j + 1) + e + j);
      }
      await writer.addFrame({ task: e % 2 ? "pick the cube" : "place the cube", action, "observation.state": state });
    }
    await writer.saveEpisode();
  }
  await writer.finalize();
  await attachCameras(root, width, height);
}

async function attachCameras(root: string, width: number, height: number): Promise<void> {
  const infoFile = path.join(root, "meta/info.json");
  const info = JSON.parse(fs.readFileSync(infoFile, "utf8")) as DatasetInfo;
  const ffmpeg = await findFfmpeg({ requireEncoder: "libx264" });
  const [first, ...others] = CAMERA_KEYS.map((key) => path.join(root, `videos/${key}/chunk-000/file-000.mp4`));
  fs.mkdirSync(path.dirname(first!), { recursive: true });
  // LeRobot's encoder settings (g=2, yuv420p); ultrafast keeps the encode short.
  const result = await runFfmpeg(ffmpeg, ["-v", "error", "-f", "lavfi", "-i", `testsrc2=size=${width}x${height}:rate=${FPS}`,
    "-frames:v", String(info.total_frames), "-c:v", "libx264", "-preset", "ultrafast", "-g", "2", "-pix_fmt", "yuv420p", first!]);
  if (result.code !== 0) throw new Error(`ffmpeg: ${result.stderrTail}`);
  for (const file of others) {
    fs.mkdirSync(path.dirname(file), { recursive: true });
    fs.copyFileSync(first!, file);
  }

  info.video_path = "videos/{video_key}/chunk-{chunk_index:03d}/file-{file_index:03d}.mp4";
  for (const key of CAMERA_KEYS) {
    info.features[key] = {
      dtype: "video", shape: [height, width, 3], names: ["height", "width", "channels"],
      info: { "video.height": height, "video.width": width, "video.codec": "h264", "video.pix_fmt": "yuv420p", "video.is_depth_map": false, "video.fps": FPS, "video.channels": 3, has_audio: false },
    };
  }
  const episodesFile = path.join(root, "meta/episodes/chunk-000/file-000.parquet");
  const records = parseEpisodesTable(await readParquet(episodesFile));
  const channel = (v: number) => [[[v]], [[v]], [[v]]];
  for (const r of records) {
    for (const key of CAMERA_KEYS) {
      r.videos[key] = { chunkIndex: 0, fileIndex: 0, fromTimestampS: r.datasetFromIndex / FPS, toTimestampS: r.datasetToIndex / FPS };
      r.stats[key] = {
        min: channel(0), max: channel(1), mean: channel(0.5), std: channel(0.25), count: [r.length],
        q01: channel(0.01), q10: channel(0.1), q50: channel(0.5), q90: channel(0.9), q99: channel(0.99),
      };
    }
  }
  fs.writeFileSync(episodesFile, encodeParquet(buildEpisodesTable(records, info.features)));
  const statsFile = path.join(root, "meta/stats.json");
  const stats = JSON.parse(fs.readFileSync(statsFile, "utf8")) as Record<string, unknown>;
  const cameraStats = aggregateStats(records.map((r) => Object.fromEntries(CAMERA_KEYS.map((k) => [k, r.stats[k]!]))));
  fs.writeFileSync(statsFile, JSON.stringify({ ...stats, ...cameraStats }, null, 4));
  fs.writeFileSync(infoFile, JSON.stringify(info, null, 4));
}
