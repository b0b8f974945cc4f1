/**
 * The simulated SO-101 behind `port: "sim"`: what openSimulatedArm builds for each role, and the
 * calibration it claims, checked against what its own servos report once that calibration is
 * written to them (the mid pose reads 2047, the stops read range_min and range_max).
 */
import { describe, expect, it } from "vitest";
import { motorCalibrationSchema } from "../../../src/hardware/calibration.js";
import { openSimulatedArm, simulatedArmCalibration } from "../../../src/hardware/robots/sim-arm.js";
import { FULL_TURN_MOTOR, SO_MOTORS } from "../../../src/hardware/robots/types.js";
import { SimulatedHand } from "../../../src/hardware/sim/hand.js";
import { clockedChain } from "../../helpers/sim-exchange.js";

describe("openSimulatedArm", () => {
  it("builds a fresh six-servo chain each time, with its hand attached as the chain's driver", () => {
    const a = openSimulatedArm("follower");
    const b = openSimulatedArm("follower");
    expect(a.transport).not.toBe(b.transport);
    expect(a.transport.joints.map((j) => [j.name, j.servo.id])).toEqual(SO_MOTORS.map((m) => [m.name, m.id]));
    expect(a.transport.driver).toBe(a.hand);
    expect(a.hand.chain).toBe(a.transport);
    expect(a.calibration).toEqual(simulatedArmCalibration(a.transport));
  });

  it("sets a leader's hand teleoperating at once and leaves a follower's idle", () => {
    expect(openSimulatedArm("leader").hand.mode).toBe("teleoperate");
    expect(openSimulatedArm("follower").hand.mode).toBe("idle");
  });
});

describe("simulatedArmCalibration", () => {
  it("is a valid LeRobot calibration: ids by motor, drive mode 0, the full-turn joint over the whole encoder", () => {
    const { chain } = clockedChain();
    const calibration = simulatedArmCalibration(chain);
    expect(Object.keys(calibration)).toEqual(SO_MOTORS.map((m) => m.name));
    for (const { name, id } of SO_MOTORS) {
      expect(motorCalibrationSchema.parse(calibration[name]), name).toMatchObject({ id, drive_mode: 0 });
    }
    expect(calibration[FULL_TURN_MOTOR]).toMatchObject({ range_min: 0, range_max: 4095 });
  });

  it("is what the servos report once its offsets are written: 2047 at the hand's mid pose, range_min and range_max at the stops", () => {
    const { clock, chain } = clockedChain();
    const calibration = simulatedArmCalibration(chain);
    const hand = new SimulatedHand(chain);
    hand.calibrationMidPose();
    clock.ms += 3000;
    chain.sync();
    for (const { name, servo, range } of chain.joints) {
      servo.writeRegister("Lock", 0);
      servo.writeRegister("Homing_Offset", calibration[name]!.homing_offset);
      expect(servo.readRegister("Present_Position"), `${name} at mid pose`).toBe(2047);
      if (name === FULL_TURN_MOTOR) continue;
      servo.setActualPosition(range.min);
      expect(servo.readRegister("Present_Position"), `${name} at its min stop`).toBe(calibration[name]!.range_min);
      servo.setActualPosition(range.max);
      expect(servo.readRegister("Present_Position"), `${name} at its max stop`).toBe(calibration[name]!.range_max);
    }
  });
});
