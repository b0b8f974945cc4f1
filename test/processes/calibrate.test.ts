/**
 * calibrate(): LeRobot's calibration procedure on the simulated arm, byte for byte through the
 * Feetech protocol: the mid pose sets the homing offsets, the sweep the ranges; the file is saved
 * where LeRobot saves it, offered again next time, and nothing is saved when stopped.
 */
import fs from "node:fs";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { calibrationPath, readCalibrationFile, writeCalibrationFile } from "../../src/hardware/calibration.js";
import { openSimulatedArm } from "../../src/hardware/robots/sim-arm.js";
import { SO_MOTOR_NAMES } from "../../src/hardware/robots/types.js";
import { CalibrationError, calibrate } from "../../src/processes/calibrate.js";
import { answer } from "../helpers/answer.js";
import { tempDir } from "../helpers/synthetic.js";

const home = tempDir("lerobot-ts-calibrate-");
afterAll(() => fs.rmSync(home, { recursive: true, force: true }));
let envCount = 0;
/** A fresh calibration folder per test. */
const freshEnv = () => ({ HF_LEROBOT_HOME: path.join(home, `h${envCount++}`) }) as NodeJS.ProcessEnv;

describe("calibrate (process)", () => {
  it("on the simulator, Enter presses alone give the arm's true calibration, saved as LeRobot does", async () => {
    const env = freshEnv();
    const prompts: string[] = [];
    const phases: string[] = [];
    let tables = 0;
    const job = await calibrate({
      arm: { type: "so101_leader", port: "sim", id: "lead" }, env,
      prompt: async ({ phase }) => { prompts.push(phase); return ""; },
      onStateUpdate: (s) => { if (phases.at(-1) !== s.phase) phases.push(s.phase); },
      onRangesUpdate: () => { tables++; },
    });
    expect(job.getState().phase).toBe("ready");
    job.start();
    const result = answer(await job.result);
    expect(prompts).toEqual(["mid-pose", "recording-ranges"]);
    expect(phases).toEqual(["mid-pose", "recording-ranges", "saving", "done"]);
    expect(tables).toBeGreaterThan(100);
    const expected = openSimulatedArm("leader").calibration;
    expect(result.calibration).toEqual(expected);
    expect(result.file).toBe(calibrationPath("teleoperators", "so_leader", "lead", env));
    expect(readCalibrationFile(result.file, SO_MOTOR_NAMES)).toEqual(expected);

    // A second run offers the file; Enter keeps it and writes it to the motors.
    const again = await calibrate({ arm: { type: "so101_leader", port: "sim", id: "lead" }, env, prompt: async () => "" });
    again.start();
    expect(await again.result).toMatchObject({ keptExistingFile: true, file: result.file });
  }, 30_000);

  it("explains a homing offset beyond ±2047 (LeRobot's \"Magnitude exceeds 2047\") and asks again", async () => {
    const sim = openSimulatedArm("follower");
    const lines: string[] = [];
    let midPrompts = 0;
    const job = await calibrate({
      arm: { type: "so101_follower", port: "sim", id: "wrap" }, env: freshEnv(), connect: { simulator: sim }, log: (l) => lines.push(l),
      prompt: async ({ phase }) => {
        // The first time, the person leaves wrist_roll at the encoder's very end.
        if (phase === "mid-pose" && midPrompts++ === 0) sim.hand.hold({ wrist_roll: 4095 });
        return "";
      },
    });
    job.start();
    const result = answer(await job.result);
    expect(midPrompts).toBe(2);
    expect(lines.join("\n")).toMatch(/wrist_roll reads 4095 at this pose: a homing offset must stay within ±2047 steps \(LeRobot's "Magnitude exceeds 2047"\)\. Turn that joint a little away/);
    expect(result.calibration.wrist_roll!.homing_offset).toBe(0);
  }, 30_000);

  it("stops cleanly before finishing and saves nothing", async () => {
    const env = freshEnv();
    const sim = openSimulatedArm("follower");
    // The person never answers: stop() must not wait for them.
    const job = await calibrate({
      arm: { type: "so101_follower", port: "sim", id: "x" }, env, connect: { simulator: sim },
      prompt: () => new Promise(() => {}),
      onStateUpdate: (s) => { if (s.phase === "mid-pose") { job.stop(); job.stop(); } },
    });
    job.start();
    expect(await job.result).toEqual({ stopped: true });
    expect(job.getState().phase).toBe("stopped");
    expect(sim.transport.isOpen).toBe(false);
    expect(fs.existsSync(calibrationPath("robots", "so_follower", "x", env))).toBe(false);
  });
});

describe("calibrate: the existing file and the arm's id", () => {
  it("recalibrates when the person types 'c' at the existing-file question, replacing the file", async () => {
    const env = freshEnv();
    const file = calibrationPath("robots", "so_follower", "again", env);
    const truth = openSimulatedArm("follower").calibration;
    const shifted = openSimulatedArm("follower").calibration;
    shifted.elbow_flex!.homing_offset += 400;
    writeCalibrationFile(file, shifted);
    const asked: string[] = [];
    const job = await calibrate({
      arm: { type: "so101_follower", port: "sim", id: "again" }, env,
      prompt: async ({ phase }) => { asked.push(phase); return phase === "existing-file" ? "c" : ""; },
    });
    job.start();
    const result = answer(await job.result);
    expect(asked).toEqual(["existing-file", "mid-pose", "recording-ranges"]);
    expect(result).toMatchObject({ keptExistingFile: false, file });
    expect(result.calibration).toEqual(truth);
    expect(readCalibrationFile(file, SO_MOTOR_NAMES)).toEqual(truth);
  }, 30_000);

  it("refuses a real arm without an id before opening its port, naming the flag", async () => {
    await expect(calibrate({ arm: { type: "so101_leader", port: "/dev/ttyACM9" }, prompt: async () => "" }))
      .rejects.toThrow(new CalibrationError("so101_leader needs an id: it names the calibration file (--teleop.id=my_arm)"));
  });
});
