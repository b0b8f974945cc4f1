/**
 * What the writer puts in info.json, stats.json and the episodes parquet, against LeRobot v0.6.1's
 * rules: camera features at creation, the video info block with the encoder's settings, float
 * stats for integer features, '/' refused in feature names, and encoder settings kept on resume.
 */
import fs from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parseEpisodesTable } from "../../src/dataset/episodes.js";
import { decodeArrowSchema, readParquet, readParquetMetadata } from "../../src/dataset/parquet.js";
import { probeMp4 } from "../../src/dataset/video/probe.js";
import { DatasetWriter } from "../../src/dataset/writer.js";
import { FrameValidationError } from "../../src/errors.js";
import { parsePythonJson } from "../../src/dataset/python-json.js";
import { features, makeFrame, tempDir } from "../helpers/synthetic.js";

const W = 96;
const H = 64;
type Json = Record<string, unknown>;
const readInfo = (root: string) => JSON.parse(fs.readFileSync(path.join(root, "meta/info.json"), "utf8")) as Json;
const cameraInfo = (root: string) => ((readInfo(root).features as Record<string, Json>)["observation.images.front"]!.info) as Json;

describe("DatasetWriter writes what LeRobot v0.6 writes", () => {
  let dir: string;
  beforeAll(() => { dir = tempDir("lerobot-ts-v06-"); });
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  async function record(writer: DatasetWriter, episode: number, frames: number, cameras = ["front"]): Promise<void> {
    for (let k = 0; k < frames; k++) await writer.addFrame(makeFrame(episode, k, cameras, W, H, "pick"));
    await writer.saveEpisode();
  }

  it("gives cameras {is_depth_map: false} at creation, then the stream facts and encoder settings in v0.6's order", async () => {
    const root = path.join(dir, "encoder");
    const writer = await DatasetWriter.create({
      root, repoId: "t/v06", fps: 30, robotType: "so_follower", features: features(["front"], W, H),
      encoder: { vcodec: "h264", g: 5, crf: 35, preset: "ultrafast", extraOptions: { tune: "zerolatency" } },
    });
    expect(cameraInfo(root)).toEqual({ is_depth_map: false });
    expect(Object.keys(readInfo(root))).toEqual(["codebase_version", "fps", "features", "total_episodes", "total_frames", "total_tasks",
      "chunks_size", "data_files_size_in_mb", "video_files_size_in_mb", "data_path", "video_path", "robot_type", "splits"]);
    await record(writer, 0, 11);
    const info = cameraInfo(root);
    expect(Object.keys(info)).toEqual(["is_depth_map", "video.height", "video.width", "video.codec", "video.pix_fmt", "video.fps", "video.channels",
      "has_audio", "video.g", "video.crf", "video.preset", "video.fast_decode", "video.video_backend", "video.extra_options"]);
    expect(info).toEqual({
      is_depth_map: false, "video.height": H, "video.width": W, "video.codec": "h264", "video.pix_fmt": "yuv420p", "video.fps": 30,
      "video.channels": 3, has_audio: false, "video.g": 5, "video.crf": 35, "video.preset": "ultrafast", "video.fast_decode": 0,
      "video.video_backend": "pyav", "video.extra_options": { tune: "zerolatency" },
    });
    // The settings are the ones the file was made with: a keyframe every 5 frames.
    expect((await probeMp4(path.join(root, "videos/observation.images.front/chunk-000/file-000.mp4"))).keyframeCount).toBe(3);

    // Resumed, new videos get the settings recorded in info.json, and the info block stays as it was.
    await writer.finalize();
    const resumed = await DatasetWriter.resume(root);
    await record(resumed, 1, 10);
    await resumed.finalize();
    expect(cameraInfo(root)).toEqual(info);
    expect((await probeMp4(path.join(root, "videos/observation.images.front/chunk-000/file-001.mp4"))).keyframeCount).toBe(2);
  });

  it("writes every stat but count as a float, integer features included (stats.json and the episodes parquet)", async () => {
    const root = path.join(dir, "stats");
    const writer = await DatasetWriter.create({ root, repoId: "t/v06", fps: 30, robotType: null, features: features([], W, H) });
    await record(writer, 0, 7, []);
    await writer.finalize();
    const text = fs.readFileSync(path.join(root, "meta/stats.json"), "utf8");
    const stats = parsePythonJson(text) as Record<string, Record<string, number[]>>;
    expect(stats.frame_index!.min).toEqual([0]);
    expect(stats.frame_index!.max).toEqual([6]);
    // As Python's json.dump writes float64 arrays: 0.0 and 6.0, never 0 and 6; count stays an int.
    const block = (feature: string) => text.slice(text.indexOf(`"${feature}": {`), text.indexOf("}", text.indexOf(`"${feature}": {`)));
    expect(block("frame_index")).toMatch(/"min": \[\s*0\.0\s*\]/);
    expect(block("frame_index")).toMatch(/"max": \[\s*6\.0\s*\]/);
    expect(block("frame_index")).toMatch(/"count": \[\s*7\s*\]/);
    expect(block("episode_index")).toMatch(/"std": \[\s*0\.0\s*\]/);
    const episodesFile = path.join(root, "meta/episodes/chunk-000/file-000.parquet");
    const [episode] = parseEpisodesTable(await readParquet(episodesFile));
    expect(episode!.stats.frame_index!.max).toEqual([6]);
    const schema = decodeArrowSchema((await readParquetMetadata(episodesFile)).keyValue)!;
    const typeOf = (name: string) => String(schema.fields.find((f) => f.name === name)!.type);
    expect(typeOf("stats/frame_index/min")).toBe("List<Float64>");
    expect(typeOf("stats/index/max")).toBe("List<Float64>");
    expect(typeOf("stats/index/count")).toBe("List<Int64>");
  });

  it("refuses feature names with '/' as LeRobot does, before creating anything", async () => {
    const root = path.join(dir, "slash");
    const create = DatasetWriter.create({ root, repoId: "t/v06", fps: 30, robotType: null, features: { "observation/state": { dtype: "float32", shape: [2] } } });
    await expect(create).rejects.toThrow(FrameValidationError);
    await expect(create).rejects.toThrow(/observation\/state.*contains '\/'/);
    expect(fs.existsSync(root)).toBe(false);
  });

  it("refuses 2-D features and language columns for writing with a line that says why", async () => {
    const root = path.join(dir, "nd");
    await expect(DatasetWriter.create({ root, repoId: "t/v06", fps: 30, robotType: null, features: { grid: { dtype: "float32", shape: [2, 3] } } }))
      .rejects.toThrow(/grid.*\[2, 3\] cannot be written yet.*flatten it to \[6\]/);
    await expect(DatasetWriter.create({ root, repoId: "t/v06", fps: 30, robotType: null, features: { language_events: { dtype: "language", shape: [1] } } }))
      .rejects.toThrow(/language_events.*annotation pipeline/);
  });
});
