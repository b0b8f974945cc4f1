/**
 * A recording process killed with SIGKILL in the middle of an episode: every episode saved
 * before stays readable, and resume continues with the right indices.
 */
import { spawn, spawnSync } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openDataset } from "../../src/dataset/reader.js";
import { DatasetWriter } from "../../src/dataset/writer.js";
import { probeMp4 } from "../../src/dataset/video/index.js";
import { tempDir } from "../helpers/synthetic.js";

const child = path.join(import.meta.dirname, "..", "helpers", "killed-writer.mjs");
const built = fs.existsSync(path.join(import.meta.dirname, "..", "..", "dist", "index.js"));
if (!built) console.warn("writer-crash: skipped, dist/ is missing (npm test builds it; run `npm run build`)");

describe.skipIf(!built)("SIGKILL mid-episode", () => {
  let dir: string;
  beforeAll(() => { dir = tempDir(); });
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  it("leaves the saved episodes valid and resume continues after them", async () => {
    const root = path.join(dir, "ds");
    const proc = spawn(process.execPath, [child, root, "3"], { stdio: ["ignore", "pipe", "pipe"] });
    let stderr = "";
    proc.stderr.on("data", (d: Buffer) => { stderr += d.toString(); });
    await new Promise<void>((resolve, reject) => {
      proc.stdout.on("data", (d: Buffer) => { if (d.toString().includes("READY")) resolve(); });
      proc.on("exit", (code) => reject(new Error(`child exited early (${code}): ${stderr}`)));
    });
    proc.kill("SIGKILL");
    await new Promise((r) => proc.once("close", r));

    const ds = await openDataset(root);
    expect(ds.episodes.map((e) => e.length)).toEqual([10, 11, 12]);
    const state = await ds.readColumn("observation.state");
    expect(state.numRows).toBe(33);
    expect(state.values[32 * 6]).toBe(2000 + 11);
    const mp4 = await probeMp4(ds.episodes[2]!.cameras["observation.images.front"]!.path);
    expect(mp4.frameCount).toBe(33);
    const pixel = (await ds.decodeFrame("observation.images.front", 2, 11)).data[0]!;
    expect(Math.abs(pixel - ((2 * 37 + 11 * 5) % 256))).toBeLessThan(6);

    const writer = await DatasetWriter.resume(root);
    expect(writer.episodeIndex).toBe(3);
    for (let k = 0; k < 4; k++) {
      await writer.addFrame({
        task: "survive", action: [1, 2, 3, 4, 5, 6], "observation.state": [1, 2, 3, 4, 5, 6],
        "observation.images.front": new Uint8Array(96 * 64 * 3).fill(200),
      });
    }
    await writer.saveEpisode();
    await writer.finalize();
    expect(fs.existsSync(path.join(root, ".lerobot-ts"))).toBe(false);
    const after = await openDataset(root);
    expect(after.episodes.map((e) => [e.episodeIndex, e.datasetFromIndex, e.length])).toEqual([[0, 0, 10], [1, 10, 11], [2, 21, 12], [3, 33, 4]]);
    expect((await after.readFrames()).numRows).toBe(37);
  });
});

describe.skipIf(!built)("a program that saves and returns without finalize", () => {
  it("exits on its own: encoders started ahead for the next take do not hold the process", () => {
    const dir = tempDir();
    const script = `
      import { DatasetWriter } from ${JSON.stringify(path.join(import.meta.dirname, "..", "..", "dist", "index.js"))};
      const w = await DatasetWriter.create({ root: ${JSON.stringify(path.join(dir, "ds"))}, repoId: "t/x", fps: 30, robotType: null,
        features: { a: { dtype: "float32", shape: [1] }, "observation.images.c": { dtype: "video", shape: [64, 96, 3] } } });
      for (let k = 0; k < 5; k++) await w.addFrame({ task: "t", a: k, "observation.images.c": new Uint8Array(64 * 96 * 3) });
      await w.saveEpisode();
      console.log("saved");`;
    const result = spawnSync(process.execPath, ["--input-type=module", "-e", script], { encoding: "utf8", timeout: 30_000 });
    fs.rmSync(dir, { recursive: true, force: true });
    expect(result.error, "the process did not exit by itself").toBeUndefined();
    expect(result.status, result.stderr).toBe(0);
    expect(result.stdout).toContain("saved");
  });
});
