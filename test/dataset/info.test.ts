/**
 * meta/info.json: parsed as LeRobot v0.6 writes it (unknown keys kept, v2.x refused with the
 * command that converts it), and the facts readers take from its features.
 */
import fs from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import type { Feature } from "../../src/dataset/info.js";
import {
  CODEBASE_VERSION, DEFAULT_FEATURES, InfoVersionError, dataColumnKeys, featureSize, isDepthMap, isVideoFeature, parseInfo,
  videoInfoOf, videoKeys,
} from "../../src/dataset/info.js";
import { REAL_FIXTURE } from "../helpers/real-fixture.js";

const realInfo = () => JSON.parse(fs.readFileSync(path.join(REAL_FIXTURE, "meta/info.json"), "utf8")) as Record<string, unknown>;
const v06Info = () => JSON.parse(fs.readFileSync(path.join(import.meta.dirname, "../../fixtures/lerobot-v0.6/so101-record/meta/info.json"), "utf8")) as Record<string, unknown>;

describe("parseInfo", () => {
  it("reads info.json of Python LeRobot v0.4 and v0.6 datasets", () => {
    const info = parseInfo(realInfo());
    expect(info).toMatchObject({ codebase_version: "v3.0", fps: 30, total_episodes: 4, total_frames: 1492, total_tasks: 1, robot_type: "so101_follower" });
    expect(Object.keys(info.features)).toContain("observation.images.front");
    expect(parseInfo(v06Info()).codebase_version).toBe(CODEBASE_VERSION);
  });

  it("keeps keys it does not know, so a rewrite does not drop a newer LeRobot's fields", () => {
    const info = parseInfo({ ...realInfo(), future_key: { a: 1 } });
    expect((info as Record<string, unknown>).future_key).toEqual({ a: 1 });
    const feature = parseInfo({ ...realInfo(), features: { x: { dtype: "float32", shape: [1], names: null, extra: true } } }).features.x!;
    expect((feature as Record<string, unknown>).extra).toBe(true);
  });

  it("refuses a v2.x dataset with the command that converts it", () => {
    let error: unknown;
    try { parseInfo({ ...realInfo(), codebase_version: "v2.1" }); } catch (e) { error = e; }
    expect(error).toBeInstanceOf(InfoVersionError);
    expect((error as InfoVersionError).version).toBe("v2.1");
    expect((error as Error).message).toMatch(/codebase_version is v2.1; lerobot-ts reads v3.0 only.*convert_dataset_v21_to_v30/);
    expect(() => parseInfo({ ...realInfo(), codebase_version: "v4.0" })).toThrow(/^codebase_version is v4.0; lerobot-ts reads v3.0 only$/);
  });

  it("names the key path of what is wrong", () => {
    const { fps: _fps, ...noFps } = realInfo();
    expect(() => parseInfo(noFps)).toThrow(/^fps: /);
    expect(() => parseInfo({ ...realInfo(), fps: 29.97 })).toThrow(/^fps: /);
    expect(() => parseInfo({ ...realInfo(), total_frames: -1 })).toThrow(/^total_frames: /);
    expect(() => parseInfo({ ...realInfo(), features: { action: { dtype: "float32", shape: [-6] } } })).toThrow(/^features\.action\.shape\.0: /);
    expect(() => parseInfo("not an object")).toThrow(/^\(root\): /);
  });
});

describe("videoInfoOf", () => {
  it("takes the video.* facts that are present and well typed, and no others", () => {
    const feature: Feature = {
      dtype: "video", shape: [480, 640, 3],
      info: { "video.height": 480, "video.width": "640", "video.codec": "av1", "video.pix_fmt": "yuv420p", "video.fps": 30, has_audio: false },
    };
    expect(videoInfoOf(feature)).toEqual({ height: 480, codec: "av1", pixFmt: "yuv420p", fps: 30, isDepthMap: false });
  });

  it("gives only isDepthMap for a feature without info (as LeRobot v0.6 writes cameras at creation)", () => {
    expect(videoInfoOf({ dtype: "video", shape: [1, 1, 3], info: null })).toEqual({ isDepthMap: false });
    expect(videoInfoOf(undefined)).toEqual({ isDepthMap: false });
  });
});

describe("isDepthMap", () => {
  it("accepts v0.6's is_depth_map and the legacy video.is_depth_map, true only when true", () => {
    expect(isDepthMap({ dtype: "video", shape: [1], info: { is_depth_map: true } })).toBe(true);
    expect(isDepthMap({ dtype: "video", shape: [1], info: { "video.is_depth_map": true } })).toBe(true);
    expect(isDepthMap({ dtype: "video", shape: [1], info: { is_depth_map: "true" } })).toBe(false);
    expect(isDepthMap({ dtype: "video", shape: [1] })).toBe(false);
  });
});

describe("feature keys and sizes", () => {
  const features: Record<string, Feature> = {
    "observation.images.front": { dtype: "video", shape: [480, 640, 3] },
    action: { dtype: "float32", shape: [6] },
    "observation.images.wrist": { dtype: "video", shape: [480, 640, 3] },
    "observation.images.top": { dtype: "image", shape: [96, 96, 3] },
    depth: { dtype: "float32", shape: [4, 3, 2] },
  };

  it("splits video features (mp4 files) from data columns (everything else, images included), in declaration order", () => {
    expect(videoKeys(features)).toEqual(["observation.images.front", "observation.images.wrist"]);
    expect(dataColumnKeys(features)).toEqual(["action", "observation.images.top", "depth"]);
    expect(isVideoFeature(features.action!)).toBe(false);
  });

  it("gives the number of values per frame as the product of the shape", () => {
    expect(featureSize(features.depth!)).toBe(24);
    expect(featureSize(features.action!)).toBe(6);
    expect(featureSize({ dtype: "float32", shape: [] })).toBe(1);
  });

  it("has LeRobot's default features in its order, all scalar", () => {
    expect(Object.keys(DEFAULT_FEATURES)).toEqual(["timestamp", "frame_index", "episode_index", "index", "task_index"]);
    expect(Object.values(DEFAULT_FEATURES).map((f) => [f.dtype, f.shape, f.names])).toEqual([
      ["float32", [1], null], ["int64", [1], null], ["int64", [1], null], ["int64", [1], null], ["int64", [1], null],
    ]);
  });
});
