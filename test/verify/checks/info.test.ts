/** checkInfo: meta/info.json present, JSON, v3.0, schema, path templates, features, video fps. */
import fs from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { checkInfo } from "../../../src/verify/checks/info.js";
import { editInfo, truncate } from "../../helpers/corrupt.js";
import { tempDir } from "../../helpers/synthetic.js";
import { copyOf, findingsOf, idAndFile, verifyContext, writeVerifyBase } from "../../helpers/verify-context.js";

const INFO = "meta/info.json";

describe("checkInfo", () => {
  const dir = tempDir("lerobot-ts-info-");
  const base = path.join(dir, "base");
  beforeAll(() => writeVerifyBase(base, ["front"]), 60_000);
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  const infoOf = async (root: string) => {
    const ctx = verifyContext(root);
    const found = await findingsOf(ctx, () => checkInfo(ctx));
    return { ctx, found };
  };

  it("loads a healthy info.json into the context with no findings", async () => {
    const { ctx, found } = await infoOf(base);
    expect(found).toEqual([]);
    expect(ctx.info).toMatchObject({ codebase_version: "v3.0", fps: 30, total_episodes: 4 });
    expect(ctx.referenced.has(path.join(base, INFO))).toBe(true);
  });

  it("reports a missing info.json, and one that is a directory, leaving no info", async () => {
    const missing = copyOf(base, dir, "missing");
    fs.rmSync(path.join(missing, INFO));
    const a = await infoOf(missing);
    expect(a.found.map(idAndFile)).toEqual([{ check: "info.missing", file: INFO }]);
    expect(a.ctx.info).toBeUndefined();

    const directory = copyOf(base, dir, "directory");
    fs.rmSync(path.join(directory, INFO));
    fs.mkdirSync(path.join(directory, INFO));
    const b = await infoOf(directory);
    expect(b.found.map(idAndFile)).toEqual([{ check: "info.unreadable", file: INFO }]);
    expect(b.found[0]!.message).toBe("meta/info.json is a directory, not a file");
  });

  it("reports info.json that is not JSON", async () => {
    const root = copyOf(base, dir, "json");
    truncate(path.join(root, INFO), 200);
    const { ctx, found } = await infoOf(root);
    expect(found.map(idAndFile)).toEqual([{ check: "info.json", file: INFO }]);
    expect(ctx.info).toBeUndefined();
  });

  it("reports a v2.1 dataset once, without schema findings", async () => {
    const root = copyOf(base, dir, "version");
    editInfo(root, (i) => { i.codebase_version = "v2.1"; });
    const { found } = await infoOf(root);
    expect(found.map(idAndFile)).toEqual([{ check: "info.version", file: INFO }]);
    expect(found[0]!.message).toContain("v2.1");
  });

  it("reports a field of the wrong type, naming the field", async () => {
    const root = copyOf(base, dir, "schema");
    editInfo(root, (i) => { (i as Record<string, unknown>).fps = "30"; });
    const { ctx, found } = await infoOf(root);
    expect(found.map((f) => [f.check, f.column])).toEqual([["info.schema", "fps"]]);
    expect(ctx.info).toBeUndefined();
  });

  it("reports path templates that escape the folder, are absolute, or lack the file index", async () => {
    const root = copyOf(base, dir, "templates");
    editInfo(root, (i) => {
      i.data_path = "../../../etc/{chunk_index}/{file_index}.parquet";
      i.video_path = "videos/{video_key}/chunk-{chunk_index:03d}.mp4";
    });
    const { found } = await infoOf(root);
    expect(found.map((f) => [f.check, f.column])).toEqual([["info.path_template", "data_path"], ["info.path_template", "video_path"]]);
    expect(found[1]!.message).toContain("lacks {chunk_index} or {file_index}");

    const absolute = copyOf(base, dir, "absolute");
    editInfo(absolute, (i) => { i.video_path = "/tmp/{video_key}/{chunk_index}/{file_index}.mp4"; });
    expect((await infoOf(absolute)).found.map((f) => [f.check, f.column])).toEqual([["info.path_template", "video_path"]]);
  });

  it("reports a null video_path when the dataset has cameras", async () => {
    const root = copyOf(base, dir, "null-video-path");
    editInfo(root, (i) => { i.video_path = null; });
    const { found } = await infoOf(root);
    expect(found.map((f) => [f.check, f.column])).toEqual([["info.path_template", "video_path"]]);
  });

  it("reports a missing default feature, a wrong dtype, and names that do not match the shape", async () => {
    const root = copyOf(base, dir, "features");
    editInfo(root, (i) => {
      delete i.features.frame_index;
      i.features.index!.dtype = "float32";
      i.features.action!.names = ["a", "b"];
    });
    const { found } = await infoOf(root);
    expect(found.map((f) => [f.check, f.column]).sort()).toEqual([["info.features", "action"], ["info.features", "frame_index"], ["info.features", "index"]]);
  });

  it("reports a camera whose shape disagrees with its video size, and one at another fps", async () => {
    const root = copyOf(base, dir, "camera");
    editInfo(root, (i) => {
      const front = i.features["observation.images.front"]!;
      front.shape = [96, 128, 3];
      front.info!["video.fps"] = 15;
    });
    const { found } = await infoOf(root);
    expect(found.map((f) => [f.check, f.column])).toEqual([
      ["info.features", "observation.images.front"],
      ["info.fps", "observation.images.front"],
    ]);
    expect(found[1]!.message).toBe("video feature 'observation.images.front' is at 15 fps, the dataset at 30");
  });
});
