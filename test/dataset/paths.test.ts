/**
 * Dataset locations and info.json path templates, as LeRobot resolves and formats them.
 */
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  DEFAULT_DATA_PATH, DEFAULT_VIDEO_PATH, EPISODES_PATH,
} from "../../src/dataset/info.js";
import { formatTemplate, isOccupied, nextChunkFile, resolveDatasetRoot, resolveInside } from "../../src/dataset/paths.js";
import { tempDir } from "../helpers/synthetic.js";

let dir: string;
beforeAll(() => { dir = tempDir(); });
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

describe("formatTemplate", () => {
  it("fills LeRobot's default templates as Python's str.format does", () => {
    expect(formatTemplate(DEFAULT_DATA_PATH, { chunk_index: 0, file_index: 7 })).toBe("data/chunk-000/file-007.parquet");
    expect(formatTemplate(EPISODES_PATH, { chunk_index: 12, file_index: 345 })).toBe("meta/episodes/chunk-012/file-345.parquet");
    expect(formatTemplate(DEFAULT_VIDEO_PATH, { video_key: "observation.images.front", chunk_index: 1, file_index: 2 }))
      .toBe("videos/observation.images.front/chunk-001/file-002.mp4");
  });

  it("widens past the pad width rather than cutting digits", () => {
    expect(formatTemplate("{n:03d}", { n: 12345 })).toBe("12345");
  });

  it("pads with spaces when the width has no leading zero", () => {
    expect(formatTemplate("[{n:4d}]", { n: 7 })).toBe("[   7]");
  });

  it("fills a plain {name} with the value as text", () => {
    expect(formatTemplate("videos/{video_key}/x", { video_key: "observation.images.wrist" })).toBe("videos/observation.images.wrist/x");
  });

  it("refuses a name with no value, and a non-integer for an integer field", () => {
    expect(() => formatTemplate("data/{chunk}/x", {})).toThrow(/uses \{chunk\} which has no value/);
    expect(() => formatTemplate("{n:03d}", { n: 1.5 })).toThrow(/needs an integer, got 1.5/);
    expect(() => formatTemplate("{n:03d}", { n: "1" })).toThrow(/needs an integer/);
  });
});

describe("resolveInside", () => {
  it("joins a relative path under the dataset root", () => {
    expect(resolveInside("/d/root", "data/chunk-000/file-000.parquet")).toBe("/d/root/data/chunk-000/file-000.parquet");
  });

  it("refuses paths that leave the root, absolute paths and the root itself", () => {
    expect(() => resolveInside("/d/root", "../../etc/passwd")).toThrow(/escapes the dataset folder/);
    expect(() => resolveInside("/d/root", "data/../../other/x")).toThrow(/escapes/);
    expect(() => resolveInside("/d/root", "/etc/passwd")).toThrow(/is absolute/);
    expect(() => resolveInside("/d/root", ".")).toThrow(/escapes/);
  });

  it("accepts a path that only passes through '..' while staying inside", () => {
    expect(resolveInside("/d/root", "data/../meta/info.json")).toBe("/d/root/meta/info.json");
  });
});

describe("nextChunkFile", () => {
  it("goes to the next file in the chunk, and to file 0 of the next chunk when the chunk is full", () => {
    expect(nextChunkFile(0, 0, 1000)).toEqual({ chunk: 0, file: 1 });
    expect(nextChunkFile(0, 998, 1000)).toEqual({ chunk: 0, file: 999 });
    expect(nextChunkFile(0, 999, 1000)).toEqual({ chunk: 1, file: 0 });
    expect(nextChunkFile(3, 1, 2)).toEqual({ chunk: 4, file: 0 });
  });
});

describe("isOccupied", () => {
  it("is false for a missing path or an empty folder, true for a file or a folder holding anything", () => {
    expect(isOccupied(path.join(dir, "missing"))).toBe(false);
    const empty = path.join(dir, "empty");
    fs.mkdirSync(empty);
    expect(isOccupied(empty)).toBe(false);
    const full = path.join(dir, "full");
    fs.mkdirSync(path.join(full, ".hidden"), { recursive: true });
    expect(isOccupied(full)).toBe(true);
    const file = path.join(dir, "file");
    fs.writeFileSync(file, "");
    expect(isOccupied(file)).toBe(true);
  });
});

describe("resolveDatasetRoot", () => {
  const env = { HF_LEROBOT_HOME: "/lerobot-home" };
  const none = () => false;

  it("puts a repo id under HF_LEROBOT_HOME", () => {
    expect(resolveDatasetRoot("user/my_set", { env, exists: none })).toBe("/lerobot-home/user/my_set");
  });

  it("takes a path-looking argument as a path, relative ones from the working directory", () => {
    expect(resolveDatasetRoot("/abs/set", { env, exists: none })).toBe("/abs/set");
    expect(resolveDatasetRoot("./user/set", { env, exists: none })).toBe(path.resolve("user/set"));
    expect(resolveDatasetRoot("../set", { env, exists: none })).toBe(path.resolve("../set"));
    expect(resolveDatasetRoot("~/sets/a", { env, exists: none })).toBe(path.join(os.homedir(), "sets/a"));
  });

  it("takes an existing folder as a path even when it looks like a repo id", () => {
    expect(resolveDatasetRoot("user/set", { env, exists: (p) => p === "user/set" })).toBe(path.resolve("user/set"));
  });

  it("with `root`, is root/<repo_id> (LeRobot's --root), expanding ~ in the root", () => {
    expect(resolveDatasetRoot("user/set", { root: "/cache", env, exists: none })).toBe("/cache/user/set");
    expect(resolveDatasetRoot("user/set", { root: "~/cache", env, exists: none })).toBe(path.join(os.homedir(), "cache/user/set"));
  });
});
