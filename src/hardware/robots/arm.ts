/**
 * What the record, teleoperate and replay loops need of a robot or teleoperator, whether it is
 * one SO arm (SOArm) or two (BimanualArm): read positions, send goals, hear about a pulled cable,
 * disconnect. `connectArm` picks the one the config's type names.
 */
import type { BimanualArmConfig, BimanualConnectOptions } from "./bimanual.js";
import { BimanualArm } from "./bimanual.js";
import type { ConnectArmOptions, SOArmConfig } from "./so-arm.js";
import { SOArm } from "./so-arm.js";
import type { ArmRole } from "./types.js";
import { UnknownArmTypeError, checkArmType, isBimanualType } from "./types.js";

/**
 * A connected robot or teleoperator: one SO arm (SOArm) or a pair (BimanualArm), as LeRobot's
 * Robot / Teleoperator classes are used by its record and teleoperate loops.
 */
export interface Arm {
  /** Follower (robot) or leader (teleoperator). */
  readonly role: ArmRole;
  /** Where the arm is connected, for messages (`/dev/ttyACM0`; `sim + sim` for a simulated pair). */
  readonly port: string;
  /** The keys readPositions gives and sendAction takes, in dataset order (`shoulder_pan.pos`, ...). */
  readonly positionNames: string[];
  /** Joint positions in LeRobot's units and names. */
  readPositions(): Promise<Record<string, number>>;
  /** Send goal positions (keys of positionNames; others are ignored); resolves with what was sent. */
  sendAction(action: Record<string, number>): Promise<Record<string, number>>;
  /** Called when a port is lost (cable pulled), with an error naming the arm; returns the unsubscribe. */
  onLost(listener: (error: Error) => void): () => void;
  /** Release torque (unless configured not to) and close the port(s); never throws. */
  disconnect(): Promise<void>;
}

/** One SO arm, or a bimanual pair (type bi_so_follower / bi_so_leader). */
export type ArmConfig = SOArmConfig | BimanualArmConfig;

/** Connection options; `left` / `right` apply to one side of a bimanual pair only. */
export type ArmConnectOptions = BimanualConnectOptions;

/** Whether the config names a bimanual pair (bi_so_follower, bi_so_leader). */
export function isBimanualConfig(config: ArmConfig): config is BimanualArmConfig {
  return isBimanualType(config.type);
}

/**
 * Connect the arm (SOArm.connect) or pair (BimanualArm.connect) the config's type names, as
 * LeRobot's make_robot_from_config / make_teleoperator_from_config pick the class.
 * Rejects as those do: UnknownArmTypeError, CalibrationMissingError, MotorCheckError, TransportError, MotorError.
 * The caller owns the arm: disconnect() releases torque and closes the port(s).
 */
export async function connectArm(config: ArmConfig, options: ArmConnectOptions = {}): Promise<Arm> {
  if (isBimanualConfig(config)) return BimanualArm.connect(config, options);
  const { left: _left, right: _right, ...single } = options;
  return SOArm.connect(config, single satisfies ConnectArmOptions);
}

/**
 * Check a follower and a leader type before any hardware is touched: each must be of its role,
 * and both one arm or both two (a leader's keys must be the follower's, or nothing would move).
 */
export function checkArmsMatch(robot: ArmConfig, teleop: ArmConfig): void {
  checkArmType(robot.type, "follower");
  checkArmType(teleop.type, "leader");
  if (isBimanualType(robot.type) !== isBimanualType(teleop.type)) {
    throw new UnknownArmTypeError(`robot ${robot.type} and teleoperator ${teleop.type} do not match: a bimanual follower (bi_so_follower) needs a bimanual leader (bi_so_leader), and one arm needs one arm`);
  }
}

/** The serial ports a config names: one, or a pair's left and right. */
export function armPorts(config: ArmConfig): string[] {
  return isBimanualConfig(config) ? [config.left.port, config.right.port] : [config.port];
}
