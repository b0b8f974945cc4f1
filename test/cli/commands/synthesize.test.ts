/** The CLI as a user runs it: the built bin, exit codes, one-line errors, --json output. */
import { spawnSync } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { registerSynthesize } from "../../../src/cli/commands/synthesize.js";
import { openDataset } from "../../../src/dataset/reader.js";
import { runCommand } from "../../helpers/cli-in-process.js";
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

describe("registerSynthesize, run in-process", () => {
  const dir = tempDir("lerobot-ts-cli-synthesize-");
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));
  const synthesize = (...args: string[]) => runCommand(registerSynthesize, ["synthesize", ...args]);

  it("writes the episodes and frames asked for into --dataset.root, saying each save on stderr and the checks on stdout", async () => {
    const root = path.join(dir, "no-cameras");
    const r = await synthesize("--dataset.root", root, "--dataset.num_episodes=3", "--dataset.episode_frames=5", "--dataset.fps=10", "--cameras=");
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toBe("saved episode 0 (5 frames)\nsaved episode 1 (5 frames)\nsaved episode 2 (5 frames)\n");
    expect(r.stdout).toMatch(new RegExp(`^wrote 3 episodes, 15 frames at 10 fps to ${root.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")} in \\d+(\\.\\d+)? s\\n`));
    expect(r.stdout).toMatch(/^ok {2}15 frame rows read back$/m);
    expect(r.stdout).toMatch(/^ok {2}verify --deep: valid /m);
    const ds = await openDataset(root);
    expect([ds.numEpisodes, ds.numFrames, ds.fps, ds.cameraKeys]).toEqual([3, 15, 10, []]);
  });

  it("--json says nothing on stderr and names the cameras it encoded", async () => {
    const r = await synthesize(path.join(dir, "one-camera"), "--dataset.num_episodes=1", "--dataset.episode_frames=4", "--cameras= top ", "--width=32", "--height=16", "--json");
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toBe("");
    expect(JSON.parse(r.stdout)).toMatchObject({ episodes: 1, frames: 4, cameras: ["observation.images.top"] });
  });

  it("refuses frame sizes below 16 pixels and zero episodes before writing anything", async () => {
    for (const [flag, message] of [["--width=8", /--width must be an integer >= 16, got '8'/], ["--dataset.num_episodes=0", /--dataset.num_episodes must be an integer >= 1/]] as const) {
      const root = path.join(dir, "refused");
      const r = await synthesize(root, flag, "--cameras=");
      expect(r.code).toBe(2);
      expect(r.stderr).toMatch(message);
      expect(fs.existsSync(path.join(root, "meta"))).toBe(false);
    }
  });
});
