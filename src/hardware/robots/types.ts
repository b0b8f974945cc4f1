/**
 * The arm types LeRobot knows for SO-100 / SO-101 and what each means here: follower (a robot,
 * torque on, takes actions) or leader (a teleoperator, torque off, read by hand), and the
 * calibration folder names (current first, then the one LeRobot used before v0.4.3).
 */
import type { DeviceKind } from "../calibration.js";

export type ArmRole = "follower" | "leader";

export interface ArmType {
  type: string;
  role: ArmRole;
  kind: DeviceKind;
  calibrationNames: string[];
}

const TYPES: ArmType[] = [
  { type: "so_follower", role: "follower", kind: "robots", calibrationNames: ["so_follower"] },
  { type: "so100_follower", role: "follower", kind: "robots", calibrationNames: ["so_follower", "so100_follower"] },
  { type: "so101_follower", role: "follower", kind: "robots", calibrationNames: ["so_follower", "so101_follower"] },
  { type: "so_leader", role: "leader", kind: "teleoperators", calibrationNames: ["so_leader"] },
  { type: "so100_leader", role: "leader", kind: "teleoperators", calibrationNames: ["so_leader", "so100_leader"] },
  { type: "so101_leader", role: "leader", kind: "teleoperators", calibrationNames: ["so_leader", "so101_leader"] },
];

export class UnknownArmTypeError extends Error {
  override name = "UnknownArmTypeError";
}

export function armType(type: string, role?: ArmRole): ArmType {
  const found = TYPES.find((t) => t.type === type);
  const allowed = TYPES.filter((t) => role === undefined || t.role === role).map((t) => t.type);
  if (!found || (role !== undefined && found.role !== role)) {
    const what = role === "leader" ? "teleoperator" : role === "follower" ? "robot" : "arm";
    throw new UnknownArmTypeError(`unknown ${what} type '${type}' (known: ${allowed.join(", ")})`);
  }
  return found;
}

/** The six motors of an SO-100 / SO-101, in id order. */
export const SO_MOTORS = [
  { name: "shoulder_pan", id: 1 },
  { name: "shoulder_lift", id: 2 },
  { name: "elbow_flex", id: 3 },
  { name: "wrist_flex", id: 4 },
  { name: "wrist_roll", id: 5 },
  { name: "gripper", id: 6 },
] as const;

export const SO_MOTOR_NAMES = SO_MOTORS.map((m) => m.name);

/** The joint LeRobot calibrates over the whole encoder instead of a recorded range. */
export const FULL_TURN_MOTOR = "wrist_roll";
