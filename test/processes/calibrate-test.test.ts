/**
 * calibrateTest(): record a built-in motion on the follower, replay it from its first state and
 * compare, on the simulated arm: a correct calibration passes, a shifted homing offset fails
 * naming the joint; bad test episodes and an occupied dataset folder are refused before any
 * hardware moves.
 */
import fs from "node:fs";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { calibrationPath, writeCalibrationFile } from "../../src/hardware/calibration.js";
import { openSimulatedArm } from "../../src/hardware/robots/sim-arm.js";
import { SO_MOTOR_NAMES, UnknownArmTypeError } from "../../src/hardware/robots/types.js";
import { CalibrationTestError, calibrateTest } from "../../src/processes/calibrate-test.js";
import { answer } from "../helpers/answer.js";
import { runCli } from "../helpers/cli.js";
import { tempDir } from "../helpers/synthetic.js";

const built = fs.existsSync(path.join(import.meta.dirname, "..", "..", "dist", "cli", "main.js"));
if (!built) console.warn("calibrate-test CLI tests: skipped, dist/ is missing (npm test builds it)");

const dir = tempDir("lerobot-ts-calibrate-test-");
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

describe("calibrate-test", () => {
  const root = path.join(dir, "cal-test");
  const env = { HF_LEROBOT_HOME: path.join(dir, "home") } as NodeJS.ProcessEnv;

  it("passes a correctly calibrated arm, and fails one whose elbow homing offset shifted, naming the joint", async () => {
    const good = await calibrateTest({ robot: { type: "so101_follower", port: "sim", id: "arm" }, root, repoId: "t/cal", episodeS: 3, approachS: 1, env });
    good.start();
    const passed = answer(await good.result);
    expect(passed.recorded).toBe(true);
    expect(passed.pass, JSON.stringify(passed.episodes[0]!.joints.map((j) => [j.joint, j.maxDeg]))).toBe(true);
    expect(Object.keys(passed.latenessMs).sort()).toEqual(["max", "p50", "p99"]);
    expect(passed.episodes[0]!.joints.map((j) => j.joint)).toEqual(SO_MOTOR_NAMES);
    expect(Math.max(...passed.episodes[0]!.joints.map((j) => j.maxDeg))).toBeLessThan(2);

    const shifted = openSimulatedArm("follower").calibration;
    shifted.elbow_flex!.homing_offset += 400;
    writeCalibrationFile(calibrationPath("robots", "so_follower", "arm", env), shifted);
    const bad = await calibrateTest({ robot: { type: "so101_follower", port: "sim", id: "arm" }, root, repoId: "t/cal", skipRecord: true, approachS: 1, env });
    bad.start();
    const failed = answer(await bad.result);
    expect(failed.pass).toBe(false);
    expect(failed.failedJoints).toEqual(["elbow_flex"]);
    const elbow = failed.episodes[0]!.joints.find((j) => j.joint === "elbow_flex")!;
    expect(elbow.maxDeg).toBeGreaterThan(5);
    expect(elbow.maxSteps).toBeCloseTo(elbow.maxDeg * (4095 / 360), 6);
  }, 60_000);

  it.skipIf(!built)("exits 2 for episodes that do not exist, and for a dataset folder it would overwrite", async () => {
    const missing = await runCli(["calibrate-test", "--robot.type=so101_follower", "--robot.port=sim", "--dataset.repo_id=t/cal", `--dataset.root=${root}`, "--dataset.test_episodes=0,5", "--dataset.skip_record=true"], env);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toMatch(/episode 5 does not exist/);
    const occupied = await runCli(["calibrate-test", "--robot.type=so101_follower", "--robot.port=sim", "--dataset.repo_id=t/cal", `--dataset.root=${root}`], env);
    expect(occupied.code).toBe(2);
    expect(occupied.stderr).toMatch(/already exists: test its episodes with --dataset.skip_record=true/);
    const badList = await runCli(["calibrate-test", "--robot.type=so101_follower", "--robot.port=sim", "--dataset.repo_id=t/cal", "--dataset.test_episodes=a,b"], env);
    expect(badList.code).toBe(2);
  }, 30_000);
});

describe("calibrate-test refuses before touching the arm", () => {
  const env = { HF_LEROBOT_HOME: path.join(dir, "home-refusals") } as NodeJS.ProcessEnv;
  // A port that does not exist: reaching it would fail with another error than the one expected.
  const robot = { type: "so101_follower", port: "/dev/ttyACM9", id: "arm" } as const;

  it("test episodes that are not episode numbers", async () => {
    for (const testEpisodes of [[], [-1], [1.5]]) {
      await expect(calibrateTest({ robot, root: path.join(dir, "none"), repoId: "t/none", testEpisodes, env })).rejects.toThrow(CalibrationTestError);
    }
  });

  it("a dataset folder it would overwrite, and no dataset when told to skip recording", async () => {
    const occupied = path.join(dir, "occupied");
    fs.mkdirSync(occupied);
    fs.writeFileSync(path.join(occupied, "notes.txt"), "mine\n");
    await expect(calibrateTest({ robot, root: occupied, repoId: "t/occupied", env })).rejects.toThrow(/already exists: test its episodes with --dataset.skip_record=true/);
    await expect(calibrateTest({ robot, root: path.join(dir, "absent"), repoId: "t/absent", skipRecord: true, env })).rejects.toThrow(/no dataset at .*absent: record one first/);
  });

  it("a leader type", async () => {
    await expect(calibrateTest({ robot: { ...robot, type: "so101_leader" }, root: path.join(dir, "leader"), repoId: "t/leader", env })).rejects.toThrow(UnknownArmTypeError);
  });
});
