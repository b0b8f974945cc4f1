/**
 * The SO-101 arm against the simulated servos (byte for byte through the protocol code): connect
 * checks, calibration files and EEPROM, units, retries and faults. The bus, the link and the
 * calibrate and teleoperate processes have their own files.
 */
import fs from "node:fs";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { calibrationPath, writeCalibrationFile } from "../../../src/hardware/calibration.js";
import { CalibrationMissingError, MotorCheckError, SOArm } from "../../../src/hardware/robots/so-arm.js";
import { openSimulatedArm } from "../../../src/hardware/robots/sim-arm.js";
import { SO_MOTOR_NAMES, UnknownArmTypeError } from "../../../src/hardware/robots/types.js";
import { SimulatedChain } from "../../../src/hardware/sim/chain.js";
import { tempDir } from "../../helpers/synthetic.js";
import { until } from "../../helpers/wait.js";

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
