/** The CLI as a user runs it: the built bin, exit codes, one-line errors, --json output. */
import { spawnSync } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { openDataset } from "../../../src/dataset/reader.js";
import { tempDir } from "../../helpers/synthetic.js";

const bin = path.join(import.meta.dirname, "..", "..", "..", "bin", "lerobot-ts.js");
const built = fs.existsSync(path.join(import.meta.dirname, "..", "..", "..", "dist", "cli", "main.js"));
if (!built) console.warn("cli-synthesize: skipped, dist/ is missing (npm test builds it; run `npm run build`)");
const run = (...args: string[]) => spawnSync(process.execPath, [bin, ...args], { encoding: "utf8" });

describe.skipIf(!built)("lerobot-ts synthesize", () => {
  const dir = tempDir();
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  it("writes a dataset, reads it back and prints a versioned JSON summary", async () => {
    const root = path.join(dir, "demo");
    const result = run("synthesize", root, "--dataset.num_episodes=2", "--dataset.episode_frames=12", "--width=96", "--height=64", "--json");
    expect(result.status, result.stderr).toBe(0);
    const summary = JSON.parse(result.stdout) as Record<string, unknown>;
    expect(summary).toMatchObject({ schema: "lerobot-ts/synthesize@1", episodes: 2, frames: 24, fps: 30, videoCodec: "libx264" });
    expect(summary.cameras).toEqual(["observation.images.front", "observation.images.wrist"]);
    const ds = await openDataset(root);
    expect(ds.numFrames).toBe(24);
  });

  it("refuses an occupied folder and bad flags with exit 2 and one line, no stack trace", () => {
    const occupied = run("synthesize", path.join(dir, "demo"));
    expect(occupied.status).toBe(2);
    expect(occupied.stderr.trim().split("\n")).toHaveLength(1);
    expect(occupied.stderr).toMatch(/exists and is not empty/);
    const badFps = run("synthesize", path.join(dir, "x"), "--dataset.fps=fast");
    expect(badFps.status).toBe(2);
    expect(badFps.stderr).toMatch(/--dataset.fps must be an integer/);
    expect(badFps.stderr).not.toMatch(/\n\s+at /);
    expect(run("no-such-command").status).toBe(2);
    expect(run("--help").status).toBe(0);
  });
});
