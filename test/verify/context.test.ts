/** VerifyContext: episodes in scope, paths from info.json's templates, and tolerant parquet access. */
import fs from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { TOLERANCE_S, describeKind, relativePosix, shortError } from "../../src/verify/context.js";
import type { VerifyProgress } from "../../src/verify/context.js";
import { DATA_FILE, editInfo, truncate } from "../helpers/corrupt.js";
import { tempDir } from "../helpers/synthetic.js";
import { contextBefore, copyOf, verifyContext, writeVerifyBase } from "../helpers/verify-context.js";

const IDS = { missing: "data.missing_file", unreadable: "data.unreadable", noFooter: "data.no_footer" } as const;

describe("VerifyContext", () => {
  const dir = tempDir("lerobot-ts-context-");
  const base = path.join(dir, "base");
  beforeAll(() => writeVerifyBase(base, ["front"]), 60_000);
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  describe("checkedEpisodes and checksEverything", () => {
    it("take every episode by default and the first maxEpisodes otherwise", async () => {
      const all = (await contextBefore(base, "data")).ctx;
      expect(all.checkedEpisodes.map((e) => e.episodeIndex)).toEqual([0, 1, 2, 3]);
      expect(all.checksEverything).toBe(true);
      const some = (await contextBefore(base, "data", { maxEpisodes: 2 })).ctx;
      expect(some.checkedEpisodes.map((e) => e.episodeIndex)).toEqual([0, 1]);
      expect(some.checksEverything).toBe(false);
      // maxEpisodes above the number of episodes still checks everything.
      expect((await contextBefore(base, "data", { maxEpisodes: 9 })).ctx.checksEverything).toBe(true);
    });
  });

  describe("dataFile and videoFile", () => {
    it("build absolute paths from info.json's templates", async () => {
      const { ctx } = await contextBefore(base, "tasks");
      expect(ctx.dataFile(0, 0)).toBe(path.join(base, DATA_FILE));
      expect(ctx.videoFile("observation.images.front", 1, 2)).toBe(path.join(base, "videos/observation.images.front/chunk-001/file-002.mp4"));
    });

    it("give undefined for a template that escapes the dataset, or when there is no info", async () => {
      const root = copyOf(base, dir, "escaping");
      editInfo(root, (i) => { i.data_path = "../{chunk_index}/{file_index}.parquet"; });
      const { ctx } = await contextBefore(root, "tasks");
      expect(ctx.dataFile(0, 0)).toBeUndefined();
      expect(verifyContext(base).videoFile("observation.images.front", 0, 0)).toBeUndefined();
    });
  });

  describe("parquetMetadata", () => {
    it("reads a closed file's footer without a finding", async () => {
      const ctx = verifyContext(base);
      const meta = await ctx.parquetMetadata(path.join(base, DATA_FILE), IDS);
      expect(meta!.numRows).toBe(400);
      expect(ctx.findings.findings).toEqual([]);
    });

    it("reports a missing file, a directory, a file never closed and one that is no parquet, under the ids given", async () => {
      const root = copyOf(base, dir, "kinds");
      fs.mkdirSync(path.join(root, "data/chunk-000/file-001.parquet"));
      fs.copyFileSync(path.join(root, DATA_FILE), path.join(root, "data/chunk-000/file-002.parquet"));
      truncate(path.join(root, "data/chunk-000/file-002.parquet"), -8);
      fs.writeFileSync(path.join(root, "data/chunk-000/file-003.parquet"), "");
      const ctx = verifyContext(root);
      for (const n of [9, 1, 2, 3]) {
        expect(await ctx.parquetMetadata(path.join(root, `data/chunk-000/file-00${n}.parquet`), IDS, { episode: n })).toBeUndefined();
      }
      expect(ctx.findings.findings.map((f) => [f.check, f.file, f.episode])).toEqual([
        ["data.missing_file", "data/chunk-000/file-009.parquet", 9],
        ["data.unreadable", "data/chunk-000/file-001.parquet", 1],
        ["data.no_footer", "data/chunk-000/file-002.parquet", 2],
        ["data.unreadable", "data/chunk-000/file-003.parquet", 3],
      ]);
      expect(ctx.findings.findings[1]!.message).toBe("data/chunk-000/file-001.parquet is a directory, not a file");
      // The dataset's own path is never in a message: the file is named relative to it.
      expect(ctx.findings.findings.every((f) => !f.message.includes(root))).toBe(true);
    });
  });

  describe("readTable", () => {
    it("reads a table, and reports a file that cannot be read under the id given", async () => {
      const ctx = verifyContext(base);
      const table = await ctx.readTable(path.join(base, DATA_FILE), "data.unreadable", { columns: ["index"] });
      expect(Number(table!.getChild("index")!.get(399))).toBe(399);
      expect(table!.numRows).toBe(400);
      expect(await ctx.readTable(path.join(base, "meta/info.json"), "data.unreadable", {}, { episode: 1 })).toBeUndefined();
      expect(ctx.findings.findings.map((f) => [f.check, f.file, f.episode])).toEqual([["data.unreadable", "meta/info.json", 1]]);
    });
  });

  describe("progress", () => {
    it("passes each step to onProgress", () => {
      const seen: VerifyProgress[] = [];
      verifyContext(base, { onProgress: (p) => seen.push(p) }).progress("data", 1, 3);
      expect(seen).toEqual([{ group: "data", done: 1, total: 3 }]);
    });
  });
});

describe("shortError", () => {
  it("keeps the first line of an error's message, at most 300 characters", () => {
    expect(shortError(new Error("bad footer\n    at readParquet"))).toBe("bad footer");
    expect(shortError("x".repeat(400))).toHaveLength(300);
    expect(shortError(42)).toBe("42");
  });
});

describe("describeKind and relativePosix", () => {
  it("say what is at a path, and name it relative to the dataset with forward slashes", () => {
    expect(describeKind("missing")).toBe("does not exist");
    expect(describeKind("denied")).toBe("cannot be read (permission denied)");
    expect(relativePosix("/d", path.join("/d", "meta", "info.json"))).toBe("meta/info.json");
  });
});

describe("TOLERANCE_S", () => {
  it("is LeRobot's default tolerance_s", () => {
    expect(TOLERANCE_S).toBe(1e-4);
  });
});
