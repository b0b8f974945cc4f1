/**
 * `lerobot-ts calibrate`: which arm the flags name, checked in-process, and LeRobot's procedure
 * for a bimanual pair as a user runs it (the built CLI answering prompts from a pipe), left arm
 * first. (One simulated leader and the missing-id error: test/scenarios/cli-hardware.test.ts.)
 */
import { spawnSync } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { registerCalibrate } from "../../../src/cli/commands/calibrate.js";
import { openSimulatedArm } from "../../../src/hardware/robots/sim-arm.js";
import { BIN } from "../../helpers/cli.js";
import { expectCommandUsageErrors } from "../../helpers/cli-in-process.js";
import { tempDir } from "../../helpers/synthetic.js";

const built = fs.existsSync(path.join(import.meta.dirname, "..", "..", "..", "dist", "cli", "main.js"));
if (!built) console.warn("calibrate: CLI run skipped, dist/ is missing (npm test builds it; run `npm run build`)");

describe("lerobot-ts calibrate: which arm", () => {
  it("exits 2 with one line unless exactly one arm of the right role is given", async () => {
    await expectCommandUsageErrors(registerCalibrate, [
      [["calibrate", "--robot.type=so101_follower", "--robot.port=sim", "--teleop.type=so101_leader", "--teleop.port=sim"], /give either --robot\.type\/port\/id \(a follower\) or --teleop\.type\/port\/id \(a leader\), not both/],
      [["calibrate"], /give either --robot\.type\/port\/id/],
      [["calibrate", "--robot.type=so101_leader", "--robot.port=sim"], /unknown robot type 'so101_leader'/],
      [["calibrate", "--teleop.type=so101_follower", "--teleop.port=sim"], /so101_follower/],
      [["calibrate", "--teleop.type=bi_so_leader", "--teleop.left_arm_config.port=sim"], /--teleop\.right_arm_config\.port is required: bi_so_leader has two arms/],
    ]);
  });
});

describe.skipIf(!built)("lerobot-ts calibrate: a bimanual pair", () => {
  const home = tempDir("lerobot-ts-cli-calibrate-");
  afterAll(() => fs.rmSync(home, { recursive: true, force: true }));

  it("calibrates the left arm then the right from piped Enter presses, one final table each, and saves <id>_left / <id>_right", () => {
    const r = spawnSync(process.execPath, [BIN, "calibrate", "--teleop.type=bi_so_leader", "--teleop.id=pair", "--teleop.left_arm_config.port=sim", "--teleop.right_arm_config.port=sim"],
      { encoding: "utf8", input: "\n\n\n\n", env: { ...process.env, HF_LEROBOT_HOME: home } });
    expect(r.stderr).toBe("");
    expect(r.status).toBe(0);
    const prompts = r.stdout.split("\n").filter((l) => l.startsWith("Move so_leader"));
    expect(prompts).toEqual([
      "Move so_leader 'pair_left' to the middle of its range of motion and press ENTER...",
      "Move so_leader 'pair_right' to the middle of its range of motion and press ENTER...",
    ]);
    // Off a terminal, each arm's MIN / POS / MAX table once, with a row per motor.
    const tables = r.stdout.split(/^NAME {12}\| {4}MIN \| {4}POS \| {4}MAX\n/m).slice(1);
    expect(tables).toHaveLength(2);
    for (const table of tables) expect(table.split("\n").filter((l) => /^\w+ +\| +\d+ \| +\d+ \| +\d+$/.test(l))).toHaveLength(6);
    const dir = path.join(home, "calibration", "teleoperators", "so_leader");
    expect(r.stdout.trimEnd().split("\n").slice(-2)).toEqual([
      `left arm: Calibration saved to ${path.join(dir, "pair_left.json")}`,
      `right arm: Calibration saved to ${path.join(dir, "pair_right.json")}`,
    ]);
    for (const side of ["left", "right"]) {
      expect(JSON.parse(fs.readFileSync(path.join(dir, `pair_${side}.json`), "utf8"))).toEqual(openSimulatedArm("leader").calibration);
    }
  }, 60_000);
});
