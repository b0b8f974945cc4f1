/**
 * replay on the simulator: a replayed episode reproduces the recorded follower trajectory; a unit
 * mismatch and bad episode numbers are refused with exit 2. (calibrate-test: calibrate-test.test.ts.)
 */
import fs from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openDataset } from "../../src/dataset/reader.js";
import { DatasetWriter } from "../../src/dataset/writer.js";
import { SO_MOTOR_NAMES } from "../../src/hardware/robots/types.js";
import { record, recordFeatures } from "../../src/processes/record.js";
import { episodeActions, replay } from "../../src/processes/replay.js";
import { runCli } from "../helpers/cli.js";
import { tempDir } from "../helpers/synthetic.js";

const built = fs.existsSync(path.join(import.meta.dirname, "..", "..", "dist", "cli", "main.js"));
if (!built) console.warn("replay CLI tests: skipped, dist/ is missing (npm test builds it)");

const dir = tempDir("lerobot-ts-replay-");
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));
const recorded = path.join(dir, "teleop");

beforeAll(async () => {
  // A teleoperated episode of the simulated arms, in degrees.
  const writer = await DatasetWriter.create({ root: recorded, repoId: "t/teleop", fps: 30, robotType: "so101_follower", features: recordFeatures({}) });
  const job = await record({
    robot: { type: "so101_follower", port: "sim" }, teleop: { type: "so101_leader", port: "sim" }, cameras: {}, sink: writer,
    dataset: { fps: 30, singleTask: "move", episodeTimeS: 3, resetTimeS: 0, numEpisodes: 1 },
  });
  job.start();
  await job.result;
}, 30_000);


describe("replay", () => {
  it("reproduces the recorded follower trajectory, after a smooth approach to the first pose", async () => {
    const ds = await openDataset(recorded);
    const actions = await episodeActions(ds, 0);
    expect(actions.units).toBe("degrees");
    const states = (await ds.readColumn("observation.state")).values as Float32Array;
    const approach: number[][] = [];
    const replayed: Record<string, number>[] = [];
    const job = await replay({
      robot: { type: "so101_follower", port: "sim" }, actions, approachS: 1, readObservations: true,
      onStep: (s) => { if (s.phase === "approaching") approach.push(SO_MOTOR_NAMES.map((m) => s.sent[`${m}.pos`]!)); else replayed.push(s.observation!); },
    });
    job.start();
    const result = await job.result;
    expect(result.frames).toBe(90);
    expect(Object.keys(result.latenessMs).sort()).toEqual(["max", "p50", "p99"]);
    // The approach never jumps: each step is a small fraction of the whole move.
    for (let k = 1; k < approach.length; k++) for (let j = 0; j < 6; j++) expect(Math.abs(approach[k]![j]! - approach[k - 1]![j]!)).toBeLessThan(10);
    // Recorded observation k was read one period after action k - 1 was sent, and so was the
    // replayed one (read just after action k is sent, before the servos respond to it).
    let worst = 0;
    let sum = 0;
    let n = 0;
    for (let k = 10; k < 90; k++) {
      SO_MOTOR_NAMES.forEach((m, j) => {
        const error = Math.abs(replayed[k]![`${m}.pos`]! - states[k * 6 + j]!);
        worst = Math.max(worst, error);
        sum += error;
        n++;
      });
    }
    // Degrees: the same path, within the sub-tick timing differences of two runs.
    expect(sum / n).toBeLessThan(1);
    expect(worst).toBeLessThan(6);
  }, 30_000);

  it.skipIf(!built)("refuses a unit mismatch and a bad episode with exit 2 and one line", async () => {
    const mismatch = await runCli(["replay", "--robot.type=so101_follower", "--robot.port=sim", "--robot.use_degrees=false", "--dataset.repo_id=t/teleop", `--dataset.root=${recorded}`, "--dataset.episode=0"]);
    expect(mismatch.code).toBe(2);
    expect(mismatch.stderr).toMatch(/the dataset was recorded in degrees \(.* beyond ±100\) but the robot is set to -100\.\.100 \(use_degrees=false\); replay with --robot.use_degrees=true/);
    const badEpisode = await runCli(["replay", "--robot.type=so101_follower", "--robot.port=sim", "--dataset.repo_id=t/teleop", `--dataset.root=${recorded}`, "--dataset.episode=4"]);
    expect(badEpisode.code).toBe(2);
    expect(badEpisode.stderr).toBe(`lerobot-ts: error: episode 4 does not exist: ${recorded} has episodes 0..0\n`);
    const dry = await runCli(["replay", "--robot.type=so101_follower", "--robot.port=/dev/does-not-matter", "--dataset.repo_id=t/teleop", `--dataset.root=${recorded}`, "--dataset.episode=0", "--dry-run"]);
    expect(dry.code).toBe(0);
    expect(dry.stdout.trim().split("\n")).toHaveLength(2 + 90);
  }, 30_000);
});
