/**
 * How record and teleoperate get their two arms: both types checked before any hardware is
 * touched, the leader connected first, then the follower; a follower that fails to connect
 * leaves no leader connected.
 */
import type { Arm, ArmConfig, ArmConnectOptions } from "../hardware/index.js";
import { checkArmsMatch, connectArm, openInOrder } from "../hardware/index.js";

export interface ArmPairConfig {
  /** The follower. */
  robot: ArmConfig;
  /** The leader. */
  teleop: ArmConfig;
  log?: ((line: string) => void) | undefined;
  env?: NodeJS.ProcessEnv | undefined;
  connect?: { robot?: ArmConnectOptions; teleop?: ArmConnectOptions } | undefined;
}

export async function connectLeaderThenFollower(config: ArmPairConfig): Promise<{ leader: Arm; follower: Arm }> {
  // "unknown robot type ..." names the right flag before a port is opened.
  checkArmsMatch(config.robot, config.teleop);
  const shared = { ...(config.log ? { log: config.log } : {}), ...(config.env ? { env: config.env } : {}) };
  const [leader, follower] = await openInOrder(
    [() => connectArm(config.teleop, { ...shared, ...config.connect?.teleop }), () => connectArm(config.robot, { ...shared, ...config.connect?.robot })],
    (arm) => arm.disconnect(),
  );
  return { leader: leader!, follower: follower! };
}
