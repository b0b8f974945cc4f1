/**
 * `lerobot-ts teleoperate` run in-process on two simulated arms for a fraction of a second: the
 * loop's summary, notes for LeRobot's viewer flags and cameras, and usage errors with exit 2.
 * (Ctrl-C and a real port are in test/scenarios/cli-hardware.test.ts.)
 */
import fs from "node:fs";
import { afterAll, describe, expect, it } from "vitest";
import { registerTeleoperate } from "../../../src/cli/commands/teleoperate.js";
import { expectCommandUsageErrors, runCommand } from "../../helpers/cli-in-process.js";
import { tempDir } from "../../helpers/synthetic.js";

describe("lerobot-ts teleoperate", () => {
  const home = tempDir("lerobot-ts-cli-teleoperate-");
  const env = { HF_LEROBOT_HOME: home };
  afterAll(() => fs.rmSync(home, { recursive: true, force: true }));
  const arms = ["--robot.type=so101_follower", "--robot.port=sim", "--robot.id=f", "--teleop.type=so101_leader", "--teleop.port=sim", "--teleop.id=l"];
  const teleoperate = (...args: string[]) => runCommand(registerTeleoperate, ["teleoperate", ...arms, ...args], env);

  it("runs the loop at --fps for --teleop_time_s and sums it up", async () => {
    const r = await teleoperate("--fps=20", "--teleop_time_s=0.5");
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toBe("");
    expect(r.stdout).toContain("teleoperating at 20 Hz for 0.5 s; Ctrl-C stops\n");
    expect(r.stdout).toMatch(/^\d+ ticks in \d+\.\d s: \d+\.\d Hz; tick lateness p50 \d+\.\d\d ms, p99 \d+\.\d\d ms$/m);
    // No live table without --display_data.
    expect(r.stdout).not.toMatch(/JOINT/);
  });

  it("notes each LeRobot viewer flag and the cameras it does not show, once", async () => {
    const cameras = JSON.stringify({ front: { type: "synthetic", width: 64, height: 48, fps: 30 } });
    const r = await teleoperate("--teleop_time_s=0.2", "--display_mode=rerun", "--display_ip=127.0.0.1", `--robot.cameras=${cameras}`);
    expect(r.code, r.stderr).toBe(0);
    const notes = r.stdout.split("\n").filter((l) => l.startsWith("note: "));
    expect(notes).toEqual([
      "note: --display_mode has no effect: lerobot-ts shows its own terminal view (--display_data=true) and has no rerun or foxglove viewer",
      "note: --display_ip has no effect: lerobot-ts shows its own terminal view (--display_data=true) and has no rerun or foxglove viewer",
      "note: --robot.cameras is accepted but teleoperate does not show cameras yet",
    ]);
  });

  it("exits 2 with one line for bad loop settings, bad viewer flags, bad cameras and missing arms", async () => {
    await expectCommandUsageErrors(registerTeleoperate, [
      [["teleoperate", ...arms, "--fps=0"], /--fps must be an integer >= 1, got '0'/],
      [["teleoperate", ...arms, "--teleop_time_s=-1"], /--teleop_time_s must be a positive number of seconds, got '-1'/],
      [["teleoperate", ...arms, "--display_data=sometimes"], /--display_data must be true or false/],
      [["teleoperate", ...arms, "--display_mode=vr"], /--display_mode must be rerun or foxglove, got 'vr'/],
      [["teleoperate", ...arms, "--robot.cameras={"], /--robot\.cameras: cameras: not valid JSON/],
      [["teleoperate", "--teleop.type=so101_leader", "--teleop.port=sim"], /--robot\.type, --robot\.port and --robot\.id are required \(the follower arm\)/],
      [["teleoperate", "--robot.type=so101_follower", "--robot.port=sim"], /--teleop\.type, --teleop\.port and --teleop\.id are required \(the leader arm\)/],
    ], env);
  });
});
