/**
 * The SO-101 arm against the simulated servos (byte for byte through the protocol code): connect
 * checks, calibration files and EEPROM, units, and the calibrate / teleoperate processes.
 */
import fs from "node:fs";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { calibrationPath, readCalibrationFile, writeCalibrationFile } from "../../../src/hardware/calibration.js";
import { CalibrationMissingError, MotorCheckError, SOArm } from "../../../src/hardware/robots/so-arm.js";
import { openSimulatedArm } from "../../../src/hardware/robots/sim-arm.js";
import { SO_MOTOR_NAMES, UnknownArmTypeError } from "../../../src/hardware/robots/types.js";
import { SimulatedChain } from "../../../src/hardware/sim/chain.js";
import { calibrate } from "../../../src/processes/calibrate.js";
import { teleoperate } from "../../../src/processes/teleoperate.js";
import { answer } from "../../helpers/answer.js";
import { tempDir } from "../../helpers/synthetic.js";
import { afterCalls, until } from "../../helpers/wait.js";

const home = tempDir("lerobot-ts-arm-");
afterAll(() => fs.rmSync(home, { recursive: true, force: true }));
let envCount = 0;
/** A fresh calibration folder per test. */
const freshEnv = () => ({ HF_LEROBOT_HOME: path.join(home, `h${envCount++}`) }) as NodeJS.ProcessEnv;

describe("SOArm", () => {
  it("connects to the simulator with its own calibration, configures as LeRobot, and moves", async () => {
    const lines: string[] = [];
    const sim = openSimulatedArm("follower");
    const arm = await SOArm.connect({ type: "so101_follower", port: "sim", id: "f" }, { simulator: sim, log: (l) => lines.push(l), env: freshEnv() });
    // One true line: the simulator's calibration is written to its motors, without a second message about "the file".
    expect(lines).toEqual(["no calibration file for so101_follower 'f': calibrating the simulated arm with its own calibration"]);
    const servo = sim.transport.joint("gripper").servo;
    expect(servo.readRegister("Max_Torque_Limit")).toBe(500);
    expect(servo.readRegister("P_Coefficient")).toBe(16);
    expect(servo.readRegister("Torque_Enable")).toBe(1);
    expect(servo.readRegister("Homing_Offset")).toBe(sim.calibration.gripper!.homing_offset);
    const before = await arm.readPositions();
    expect(Object.keys(before)).toEqual(SO_MOTOR_NAMES.map((m) => `${m}.pos`));
    const goal = { ...before, "elbow_flex.pos": before["elbow_flex.pos"]! - 20, "gripper.pos": 50 };
    await arm.sendAction(goal);
    // Until the servos got there (they would not, without the goals written right).
    const after = await until(() => arm.readPositions(), (p) => Math.abs(p["elbow_flex.pos"]! - goal["elbow_flex.pos"]) < 0.5 && Math.abs(p["gripper.pos"]! - 50) < 0.5);
    expect(after["elbow_flex.pos"]).toBeCloseTo(goal["elbow_flex.pos"], 0);
    expect(after["gripper.pos"]).toBeCloseTo(50, 0);
    await arm.disconnect();
    sim.transport.sync();
    expect(servo.readRegister("Torque_Enable")).toBe(0);
  });

  it("caps each goal to max_relative_target from the present position", async () => {
    const arm = await SOArm.connect({ type: "so101_follower", port: "sim", maxRelativeTarget: 5 }, { env: freshEnv() });
    const present = await arm.readPositions();
    const sent = await arm.sendAction({ ...present, "shoulder_pan.pos": present["shoulder_pan.pos"]! + 40 });
    expect(sent["shoulder_pan.pos"]).toBeCloseTo(present["shoulder_pan.pos"]! + 5, 6);
    await arm.disconnect();
  });

  it("names a motor that does not answer, and a wrong model", async () => {
    const sim = openSimulatedArm("follower");
    sim.transport.faults.noReply(3);
    const missing = await SOArm.connect({ type: "so101_follower", port: "sim" }, { simulator: sim, env: freshEnv() }).catch((e: unknown) => e);
    expect(missing).toBeInstanceOf(MotorCheckError);
    expect((missing as Error).message).toBe("motor 'elbow_flex' (id 3) did not answer on sim");
    expect(sim.transport.isOpen).toBe(false);
    const other = openSimulatedArm("follower");
    other.transport.joint("wrist_flex").servo.memory.set([0x09, 0x0b], 3); // model 2825 (STS3250)
    await expect(SOArm.connect({ type: "so101_follower", port: "sim" }, { simulator: other, env: freshEnv() }))
      .rejects.toThrow(/motor 'wrist_flex' \(id 4\) on sim is model 2825, expected STS3215 \(777\)/);
    await expect(SOArm.connect({ type: "koch_follower", port: "sim" })).rejects.toThrow(UnknownArmTypeError);
  });

  it("refuses a real port without calibration, naming the calibrate command", async () => {
    const chain = SimulatedChain.so101();
    const error = await SOArm.connect({ type: "so101_follower", port: "/dev/ttyACM7", id: "arm1" }, { transport: chain, env: freshEnv() }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(CalibrationMissingError);
    expect((error as Error).message).toMatch(/run: lerobot-ts calibrate --robot.type=so101_follower --robot.port=\/dev\/ttyACM7 --robot.id=arm1$/);
    expect(chain.isOpen).toBe(false);
  });

  it("reads LeRobot's older calibration folder, and asks before overwriting the motors' calibration", async () => {
    const env = freshEnv();
    const sim = openSimulatedArm("leader");
    writeCalibrationFile(calibrationPath("teleoperators", "so101_leader", "lead", env), sim.calibration);
    const refused = await SOArm.connect({ type: "so101_leader", port: "sim", id: "lead" }, { simulator: sim, env, confirmWriteCalibration: async () => false })
      .catch((e: unknown) => e);
    expect((refused as Error).message).toMatch(/differs from .*so101_leader\/lead\.json; run: lerobot-ts calibrate --teleop.type=so101_leader/);
    const sim2 = openSimulatedArm("leader");
    const asked: string[][] = [];
    const arm = await SOArm.connect({ type: "so101_leader", port: "sim", id: "lead" }, { simulator: sim2, env, confirmWriteCalibration: async (d) => { asked.push(d); return true; } });
    expect(asked[0]).toHaveLength(5); // wrist_roll's calibration is the factory one (offset 0, 0..4095)
    expect(asked[0]![0]).toMatch(/^shoulder_pan: motor has offset 0, range 0..4095; file has/);
    expect(arm.calibrationSource).toMatch(/teleoperators\/so101_leader\/lead\.json$/);
    sim2.transport.sync();
    expect(sim2.transport.joint("shoulder_pan").servo.readRegister("Torque_Enable")).toBe(0);
    await arm.disconnect();
  });
});

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

describe("teleoperate (process)", () => {
  it("makes the follower follow the leader at the requested rate", async () => {
    const ticks: { action: Record<string, number>; observation?: Record<string, number> }[] = [];
    const job = await teleoperate({
      robot: { type: "so101_follower", port: "sim" }, teleop: { type: "so101_leader", port: "sim" },
      fps: 50, durationS: 1.5, readFollower: true, env: freshEnv(),
      onTick: (t) => ticks.push(t),
    });
    job.start();
    const result = await job.result;
    expect(result.ticks).toBeGreaterThanOrEqual(70);
    expect(result.rateHz).toBeGreaterThan(45);
    // After the ease-in, the follower tracks within a few degrees of where the leader was a tick ago.
    const last = ticks.at(-1)!;
    for (const key of Object.keys(last.action)) expect(Math.abs(last.observation![key]! - last.action[key]!)).toBeLessThan(8);
    const moved = Math.abs(ticks.at(-1)!.action["shoulder_pan.pos"]! - ticks[0]!.action["shoulder_pan.pos"]!);
    expect(moved).toBeGreaterThan(0.5);
    // It ended by itself after durationS.
    expect(job.getState().phase).toBe("done");
  });

  it("ends with an error and releases the follower when the leader's cable is pulled", async () => {
    const leader = openSimulatedArm("leader");
    const follower = openSimulatedArm("follower");
    const ticks = afterCalls(10);
    const job = await teleoperate({
      robot: { type: "so101_follower", port: "sim" }, teleop: { type: "so101_leader", port: "sim" }, fps: 60, env: freshEnv(),
      connect: { robot: { simulator: follower }, teleop: { simulator: leader } }, onTick: ticks.callback,
    });
    job.start();
    await ticks.reached;
    leader.transport.faults.disconnect();
    await expect(job.result).rejects.toThrow(/leader arm on sim was lost/);
    expect(job.getState().phase).toBe("failed");
    follower.transport.sync();
    expect(follower.transport.joint("elbow_flex").servo.readRegister("Torque_Enable")).toBe(0);
  });
});
