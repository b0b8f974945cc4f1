/** checkFiles: files in the dataset folder nothing refers to, and images/ left by an unencoded recording. */
import fs from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { checkFiles } from "../../../src/verify/checks/files.js";
import { DATA_FILE } from "../../helpers/corrupt.js";
import { tempDir } from "../../helpers/synthetic.js";
import { contextBefore, copyOf, findingsOf, writeVerifyBase } from "../../helpers/verify-context.js";

describe("checkFiles", () => {
  const dir = tempDir("lerobot-ts-files-");
  const base = path.join(dir, "base");
  beforeAll(() => writeVerifyBase(base, ["front"]), 60_000);
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  const filesOf = async (root: string, maxEpisodes?: number) => {
    const { ctx } = await contextBefore(root, "files", maxEpisodes === undefined ? {} : { maxEpisodes });
    const found = await findingsOf(ctx, () => checkFiles(ctx));
    return { ctx, found };
  };

  it("finds nothing when every file is used, and ignores a README, .git and the writer's own folder", async () => {
    const root = copyOf(base, dir, "extras");
    fs.writeFileSync(path.join(root, "README.md"), "# card\n");
    fs.writeFileSync(path.join(root, ".gitattributes"), "*.mp4 filter=lfs\n");
    fs.mkdirSync(path.join(root, ".git"));
    fs.writeFileSync(path.join(root, ".git/HEAD"), "ref: refs/heads/main\n");
    fs.mkdirSync(path.join(root, ".lerobot-ts"), { recursive: true });
    fs.writeFileSync(path.join(root, ".lerobot-ts/lock"), "1\n");
    expect((await filesOf(root)).found).toEqual([]);
  });

  it("warns of a data file no episode names, and of a file outside the layout", async () => {
    const root = copyOf(base, dir, "unreferenced");
    fs.copyFileSync(path.join(root, DATA_FILE), path.join(root, "data/chunk-000/file-001.parquet"));
    fs.writeFileSync(path.join(root, "meta/notes.txt"), "take 3 was bad\n");
    const { found } = await filesOf(root);
    expect(found.map((f) => [f.check, f.severity, f.file])).toEqual([
      ["files.unreferenced", "warning", "data/chunk-000/file-001.parquet"],
      ["files.unreferenced", "warning", "meta/notes.txt"],
    ]);
    expect(found[0]!.message).toBe("data/chunk-000/file-001.parquet is not used: no episode's data/chunk_index, data/file_index names it");
    expect(found[1]!.message).toBe("meta/notes.txt is not used: it is not part of the LeRobot layout");
  });

  it("warns once of an images/ folder, without listing the frames in it", async () => {
    const root = copyOf(base, dir, "images");
    fs.mkdirSync(path.join(root, "images/observation.images.front/episode-000004"), { recursive: true });
    fs.writeFileSync(path.join(root, "images/observation.images.front/episode-000004/frame-000000.png"), "");
    const { found } = await filesOf(root);
    expect(found.map((f) => [f.check, f.file])).toEqual([["files.leftover_images", "images"]]);
  });

  it("is skipped under maxEpisodes, when the unchecked episodes' files were never looked at", async () => {
    const { ctx, found } = await filesOf(base, 1);
    expect(found).toEqual([]);
    expect(ctx.skipped.get("files")).toBe("--max-episodes checks only part of the dataset");
  });
});
