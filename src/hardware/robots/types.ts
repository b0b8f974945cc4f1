/**
 * The arm types LeRobot knows for SO-100 / SO-101 and what each means here: follower (a robot,
 * torque on, takes actions) or leader (a teleoperator, torque off, read by hand), and the
 * calibration folder names (current first, then the one LeRobot used before v0.4.3).
 */
import type { DeviceKind } from "../calibration.js";

/** A robot arm (follower) or a teleoperator arm (leader). */
export type ArmRole = "follower" | "leader";

/** What a single-arm type string means: its role, calibration subfolder and the folder names its calibration file may be under (current first). */
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

/** A robot or teleoperator type that is not an SO arm type, or not of the role wanted; the message lists the accepted ones. */
export class UnknownArmTypeError extends Error {
  override name = "UnknownArmTypeError";
}

/**
 * The two-arm types: a left and a right SO arm of the same role (LeRobot's BiSOFollower /
 * BiSOLeader; `name` is also what LeRobot calls each side's class: SOFollower / SOLeader).
 */
const BIMANUAL_TYPES: { type: string; role: ArmRole; sideType: string }[] = [
  { type: "bi_so_follower", role: "follower", sideType: "so_follower" },
  { type: "bi_so_leader", role: "leader", sideType: "so_leader" },
];

/** One SO arm's type (SOArm takes only these; a bimanual type goes to BimanualArm / connectArm). */
export function armType(type: string, role?: ArmRole): ArmType {
  const found = TYPES.find((t) => t.type === type);
  if (!found && isBimanualType(type)) throw new UnknownArmTypeError(`'${type}' is two arms: connect it with connectArm() or BimanualArm, not SOArm`);
  if (!found || (role !== undefined && found.role !== role)) throw unknownType(type, role);
  return found;
}

/** Check a robot / teleoperator type, one arm or two, and give its role. */
export function checkArmType(type: string, role?: ArmRole): ArmRole {
  const found = TYPES.find((t) => t.type === type) ?? BIMANUAL_TYPES.find((t) => t.type === type);
  if (!found || (role !== undefined && found.role !== role)) throw unknownType(type, role);
  return found.role;
}

function unknownType(type: string, role: ArmRole | undefined): UnknownArmTypeError {
  const allowed = [...TYPES, ...BIMANUAL_TYPES].filter((t) => role === undefined || t.role === role).map((t) => t.type);
  const what = role === "leader" ? "teleoperator" : role === "follower" ? "robot" : "arm";
  return new UnknownArmTypeError(`unknown ${what} type '${type}' (known: ${allowed.join(", ")})`);
}

export function isBimanualType(type: string): boolean {
  return BIMANUAL_TYPES.some((t) => t.type === type);
}

/** The single-arm type each side of a bimanual type is (so_follower / so_leader). */
export function bimanualSideType(type: string): string {
  const found = BIMANUAL_TYPES.find((t) => t.type === type);
  if (!found) throw unknownType(type, undefined);
  return found.sideType;
}

/**
 * What LeRobot writes as a dataset's `robot_type`: the robot class's `name`, not the config type
 * (lerobot_record.py record(): `robot_type=robot.name`). In v0.6.1 so100_follower and
 * so101_follower are both SOFollower, named so_follower (so_follower/so_follower.py), and the
 * leaders SOLeader, so_leader. Unknown types are returned as given.
 */
export function lerobotRobotName(type: string): string {
  const bimanual = BIMANUAL_TYPES.find((t) => t.type === type);
  if (bimanual) return bimanual.type;
  const single = TYPES.find((t) => t.type === type);
  return single ? single.calibrationNames[0]! : type;
}

/**
 * Whether two robot types are the same robot: so_follower, so100_follower and so101_follower are
 * one (datasets written before LeRobot v0.4.3, and by older lerobot-ts, say so101_follower).
 */
export function sameRobotType(a: string, b: string): boolean {
  return lerobotRobotName(a) === lerobotRobotName(b);
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

/** An arm's position keys in LeRobot's order: `shoulder_pan.pos`, ..., `gripper.pos`. */
export const SO_POSITION_NAMES = SO_MOTOR_NAMES.map((m) => `${m}.pos`);

/**
 * The position keys of a robot / teleoperator type: one arm's six, or a bimanual's twelve,
 * left first, each prefixed with its side (BiSOFollower._motors_ft).
 */
export function armPositionNames(type: string): string[] {
  if (!isBimanualType(type)) return [...SO_POSITION_NAMES];
  return ["left", "right"].flatMap((side) => SO_POSITION_NAMES.map((n) => `${side}_${n}`));
}

/** The joint LeRobot calibrates over the whole encoder instead of a recorded range. */
export const FULL_TURN_MOTOR = "wrist_roll";
