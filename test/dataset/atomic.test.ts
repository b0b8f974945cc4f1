/**
 * Atomic writes: the bytes go to a staging name in the same folder and appear under the target
 * name only on commit, so a reader never sees a half-written file.
 */
import fs from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { stageFileAtomic, stagingPath, writeFileAtomic } from "../../src/dataset/atomic.js";
import { tempDir } from "../helpers/synthetic.js";

let dir: string;
beforeAll(() => { dir = tempDir(); });
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

describe("stagingPath", () => {
  it("is a hidden name in the target's own folder (same filesystem, so the rename is atomic), distinct per process", () => {
    const staged = stagingPath("/d/meta/info.json");
    expect(path.dirname(staged)).toBe("/d/meta");
    expect(path.basename(staged)).toBe(`.info.json.${process.pid}.staged`);
  });
});

describe("stageFileAtomic", () => {
  it("leaves the old file in place until commit, then replaces it whole", async () => {
    const target = path.join(dir, "commit", "info.json");
    fs.mkdirSync(path.dirname(target));
    fs.writeFileSync(target, "old");
    const staged = await stageFileAtomic(target, "new contents");
    expect(fs.readFileSync(target, "utf8")).toBe("old");
    expect(fs.readFileSync(stagingPath(target), "utf8")).toBe("new contents");
    expect(staged.committed).toBe(false);
    await staged.commit();
    expect(staged.committed).toBe(true);
    expect(fs.readFileSync(target, "utf8")).toBe("new contents");
    expect(fs.readdirSync(path.dirname(target))).toEqual(["info.json"]);
  });

  it("creates missing parent folders", async () => {
    const target = path.join(dir, "deep", "a", "b", "file.bin");
    await (await stageFileAtomic(target, new Uint8Array([1, 2, 3]))).commit();
    expect([...fs.readFileSync(target)]).toEqual([1, 2, 3]);
  });

  it("abort removes the staged bytes and leaves the target as it was", async () => {
    const target = path.join(dir, "abort", "stats.json");
    fs.mkdirSync(path.dirname(target));
    fs.writeFileSync(target, "kept");
    const staged = await stageFileAtomic(target, "dropped");
    await staged.abort();
    expect(fs.readdirSync(path.dirname(target))).toEqual(["stats.json"]);
    expect(fs.readFileSync(target, "utf8")).toBe("kept");
  });

  it("abort after commit does not remove the committed file", async () => {
    const target = path.join(dir, "late-abort.txt");
    const staged = await stageFileAtomic(target, "committed");
    await staged.commit();
    await staged.abort();
    expect(fs.readFileSync(target, "utf8")).toBe("committed");
  });
});

describe("writeFileAtomic", () => {
  it("writes the file under its name and leaves no staging file behind", async () => {
    const target = path.join(dir, "write", "tasks.parquet");
    await writeFileAtomic(target, "first");
    await writeFileAtomic(target, "second");
    expect(fs.readFileSync(target, "utf8")).toBe("second");
    expect(fs.readdirSync(path.dirname(target))).toEqual(["tasks.parquet"]);
  });
});
