/**
 * `lerobot-ts calibrate-test` run in-process on the simulated follower: the per-joint table and
 * verdict, exit 0 within tolerance and 1 outside it (--json too), and usage errors with exit 2.
 */
import fs from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { registerCalibrateTest } from "../../../src/cli/commands/calibrate-test.js";
import { SO_MOTOR_NAMES } from "../../../src/hardware/robots/types.js";
import { calibrateTest } from "../../../src/processes/calibrate-test.js";
import { expectCommandUsageErrors, runCommand } from "../../helpers/cli-in-process.js";
import { tempDir } from "../../helpers/synthetic.js";

describe("lerobot-ts calibrate-test", () => {
  const dir = tempDir("lerobot-ts-cli-calibrate-test-");
  const home = path.join(dir, "home");
  const root = path.join(dir, "trajectories");
  const env = { HF_LEROBOT_HOME: home };
  const arm = ["--robot.type=so101_follower", "--robot.port=sim", "--robot.id=arm"];
  const dataset = ["--dataset.repo_id=t/cal", `--dataset.root=${root}`];
  beforeAll(async () => {
    // A short test trajectory recorded by the library, so the command runs need only test it.
    const job = await calibrateTest({ robot: { type: "so101_follower", port: "sim", id: "arm" }, root, repoId: "t/cal", episodeS: 3, approachS: 1, env });
    job.start();
    await job.result;
  }, 60_000);
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  it("prints a row per joint and PASS, exit 0, for a correctly calibrated arm", async () => {
    // The arm follows a real-time clock: on a busy machine a late tick shows as a few degrees, so
    // the tolerance is wide here (the verdict against a tight one is the next case).
    const r = await runCommand(registerCalibrateTest, ["calibrate-test", ...arm, ...dataset, "--dataset.skip_record=true", "--tolerance_deg=20"], env);
    expect(r.code, r.stdout).toBe(0);
    expect(r.stdout).toMatch(/^testing episode 0$/m);
    expect(r.stdout).toMatch(/^episode 0 \(90 frames\)$/m);
    for (const joint of SO_MOTOR_NAMES) expect(r.stdout).toMatch(new RegExp(`^  ${joint} +\\d+\\.\\d\\d +\\d+\\.\\d\\d +\\d+\\.\\d\\d +\\d+ +\\d+  ok$`, "m"));
    expect(r.stdout.trimEnd().split("\n").at(-1)).toBe("PASS: every joint within 20°");
  }, 60_000);

  it("exits 1 with --json's verdict when joints end beyond the tolerance, naming them", async () => {
    // No arm following a clock is within a thousandth of a degree on every frame.
    const r = await runCommand(registerCalibrateTest, ["calibrate-test", ...arm, ...dataset, "--dataset.skip_record=true", "--tolerance_deg=0.001", "--json"], env);
    expect(r.code, r.stderr).toBe(1);
    const result = JSON.parse(r.stdout) as { schema: string; pass: boolean; toleranceDeg: number; failedJoints: string[]; episodes: { joints: { pass: boolean }[] }[] };
    expect(result).toMatchObject({ schema: "lerobot-ts/calibrate-test@1", pass: false, toleranceDeg: 0.001 });
    expect(result.failedJoints).toEqual(SO_MOTOR_NAMES);
    expect(result.episodes[0]!.joints.map((j) => j.pass)).toEqual(SO_MOTOR_NAMES.map(() => false));
  }, 60_000);

  it("exits 2 with one line for a bad episode list or tolerance, episodes not there, a folder it would overwrite, and two arms", async () => {
    await expectCommandUsageErrors(registerCalibrateTest, [
      [["calibrate-test", ...arm, ...dataset, "--dataset.test_episodes=a,b"], /--dataset\.test_episodes must be episode numbers like 0,1,2, got 'a,b'/],
      [["calibrate-test", ...arm, ...dataset, "--tolerance_deg=0"], /--tolerance_deg must be a positive number, got '0'/],
      [["calibrate-test", ...arm, ...dataset, "--dataset.test_episodes=0,5", "--dataset.skip_record=true"], /episode 5 does not exist/],
      [["calibrate-test", ...arm, ...dataset], /already exists: test its episodes with --dataset\.skip_record=true/],
      [["calibrate-test", "--robot.type=bi_so_follower", "--robot.left_arm_config.port=sim", "--robot.right_arm_config.port=sim", ...dataset], /this command takes one arm, not bi_so_follower/],
      [["calibrate-test", ...arm], /--dataset\.repo_id is required/],
    ], env);
  });
});
