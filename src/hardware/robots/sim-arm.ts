/**
 * The simulated SO-101 behind `--robot.port=sim` / `--teleop.port=sim`: a chain of six simulated
 * STS3215 servos with a scripted hand on it. A leader's hand starts teleoperating (smooth,
 * repeatable motion) at once; a follower's hand only moves it when torque is off (calibration).
 * The simulator knows its own arm, so it also knows the calibration a person would make of it.
 */
import type { ArmCalibration } from "../calibration.js";
import { SimulatedChain } from "../sim/chain.js";
import { SimulatedHand } from "../sim/hand.js";
import { FULL_TURN_MOTOR } from "./types.js";
import type { ArmRole } from "./types.js";

/** A simulated SO-101: its servos (the transport a FeetechBus talks to) and the hand that moves them. */
export interface SimulatedArm {
  /** The six servos, answering the Feetech protocol. */
  transport: SimulatedChain;
  /** Moves the joints as a person would. */
  hand: SimulatedHand;
  /** What calibrating this arm gives: offsets from its mid-range pose, ranges from its stops. */
  calibration: ArmCalibration;
}

const HALF_TURN = 2047;

/**
 * A new simulated SO-101 in this process (what `port: "sim"` opens). A leader's hand starts
 * teleoperating at once with `seed` (default 1); a follower's waits. No files, no ports.
 */
export function openSimulatedArm(role: ArmRole, options: { seed?: number } = {}): SimulatedArm {
  const chain = SimulatedChain.so101();
  const hand = new SimulatedHand(chain);
  if (role === "leader") hand.teleoperate(options.seed ?? 1);
  return { transport: chain, hand, calibration: simulatedArmCalibration(chain) };
}

/** The calibration LeRobot's procedure yields on this chain (the hand's mid pose and full sweep). */
export function simulatedArmCalibration(chain: SimulatedChain): ArmCalibration {
  const out: ArmCalibration = {};
  for (const joint of chain.joints) {
    const id = joint.servo.id;
    const offset = Math.floor((joint.range.min + joint.range.max) / 2) - HALF_TURN;
    // LeRobot gives the full-turn joint the whole encoder instead of its recorded range.
    const [min, max] = joint.name === FULL_TURN_MOTOR ? [0, 4095] : [joint.range.min - offset, joint.range.max - offset];
    out[joint.name] = { id, drive_mode: 0, homing_offset: offset, range_min: min, range_max: max };
  }
  return out;
}
