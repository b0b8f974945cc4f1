/**
 * Two SO arms driven as one robot or teleoperator, as LeRobot's BiSOFollower / BiSOLeader do
 * (robots/bi_so_follower/bi_so_follower.py, teleoperators/bi_so_leader/bi_so_leader.py): each side
 * is an SO arm with id `<id>_left` / `<id>_right` (its calibration file) and the shared
 * calibration folder; positions are the left arm's keys prefixed `left_`, then the right's
 * prefixed `right_`; an action is split by those prefixes and each half sent to its arm.
 */
import type { Arm } from "./arm.js";
import { SIM_PORT, isSimulatedPort } from "./arm-link.js";
import { openInOrder } from "./open-in-order.js";
import type { ConnectArmOptions, SOArmConfig } from "./so-arm.js";
import { SOArm } from "./so-arm.js";
import type { ArmRole } from "./types.js";
import { bimanualSideType, checkArmType, isBimanualType } from "./types.js";

export const SIDES = ["left", "right"] as const;
/** A side of a bimanual pair: "left" or "right". */
export type Side = (typeof SIDES)[number];

/** One side's settings: LeRobot's left_arm_config / right_arm_config (port, use_degrees, ...). */
export type SOArmSideConfig = Omit<SOArmConfig, "type" | "id" | "calibrationDir">;

/** A bimanual pair, LeRobot's BiSOFollowerConfig / BiSOLeaderConfig. */
export interface BimanualArmConfig {
  /** bi_so_follower or bi_so_leader. */
  type: string;
  /** Each side's calibration file is `<id>_left.json` / `<id>_right.json`. */
  id?: string;
  /** The folder holding both sides' calibration files (default: each side's usual folder). */
  calibrationDir?: string;
  left: SOArmSideConfig;
  right: SOArmSideConfig;
}

/** Options for both sides, and per side (an injected simulator or transport, say). */
export interface BimanualConnectOptions extends ConnectArmOptions {
  left?: ConnectArmOptions;
  right?: ConnectArmOptions;
}

/** The simulated leaders' seeds: two people's hands do not move alike. */
export const SIM_SEEDS: Record<Side, number> = { left: 1, right: 2 };

/** The single-arm config of one side (BiSOFollower.__init__ / BiSOLeader.__init__). */
export function sideConfig(config: BimanualArmConfig, side: Side): SOArmConfig {
  const settings = config[side] as SOArmSideConfig | undefined;
  if (!settings?.port) throw new Error(`${config.type} needs a ${side} arm port (--${checkArmType(config.type) === "leader" ? "teleop" : "robot"}.${side}_arm_config.port)`);
  return {
    ...settings,
    type: bimanualSideType(config.type),
    // Without an id, a simulated side is `sim_<side>` (SOArm calls an unnamed simulated arm `sim`).
    ...(config.id !== undefined ? { id: `${config.id}_${side}` } : isSimulatedPort(settings.port) ? { id: `${SIM_PORT}_${side}` } : {}),
    ...(config.calibrationDir !== undefined ? { calibrationDir: config.calibrationDir } : {}),
  };
}

/** A side's keys with its prefix: `shoulder_pan.pos` -> `left_shoulder_pan.pos`. */
export function prefixKeys(side: Side, values: Record<string, number>): Record<string, number> {
  return Object.fromEntries(Object.entries(values).map(([k, v]) => [`${side}_${k}`, v]));
}

/** The part of a two-arm action meant for one side, prefix removed (BiSOFollower.send_action). */
export function sideAction(side: Side, action: Record<string, number>): Record<string, number> {
  const prefix = `${side}_`;
  return Object.fromEntries(Object.entries(action).filter(([k]) => k.startsWith(prefix)).map(([k, v]) => [k.slice(prefix.length), v]));
}

/**
 * Cameras of a bimanual robot by observation name: per-arm cameras prefixed with their side,
 * top-level ones as named, in LeRobot's order (left arm's, top-level, right arm's). A top-level
 * name equal to a per-arm name is refused, as BiSOFollower.__init__ does; so is any other clash
 * of the final names (LeRobot would silently keep only one of the two).
 */
export function bimanualCameras<T>(cameras: { top?: Record<string, T>; left?: Record<string, T>; right?: Record<string, T> }): Record<string, T> {
  const top = cameras.top ?? {};
  const collisions = Object.keys(top).filter((name) => name in (cameras.left ?? {}) || name in (cameras.right ?? {}));
  if (collisions.length > 0) throw new Error(`top-level camera names collide with per-arm camera names: ${collisions.sort().join(", ")}`);
  const out: Record<string, T> = {};
  const add = (name: string, camera: T) => {
    if (name in out) throw new Error(`two cameras would both be named '${name}': rename one`);
    out[name] = camera;
  };
  for (const [name, camera] of Object.entries(cameras.left ?? {})) add(`left_${name}`, camera);
  for (const [name, camera] of Object.entries(top)) add(name, camera);
  for (const [name, camera] of Object.entries(cameras.right ?? {})) add(`right_${name}`, camera);
  return out;
}

/**
 * Two SO arms as one Arm (keys `left_<joint>.pos`, then `right_<joint>.pos`). Its calls reject as
 * SOArm's do, naming the side's port.
 */
export class BimanualArm implements Arm {
  private constructor(
    readonly config: BimanualArmConfig,
    readonly left: SOArm,
    readonly right: SOArm,
  ) {}

  /**
   * Connect the left arm, then the right (a failure on the right disconnects the left); rejects as
   * SOArm.connect does, or with an Error when a side's port is missing.
   */
  static async connect(config: BimanualArmConfig, options: BimanualConnectOptions = {}): Promise<BimanualArm> {
    if (!isBimanualType(config.type)) throw new Error(`'${config.type}' is not a bimanual type (bi_so_follower, bi_so_leader)`);
    const { left: leftOptions, right: rightOptions, ...shared } = options;
    const configs = { left: sideConfig(config, "left"), right: sideConfig(config, "right") };
    const connectSide = (side: Side, own: ConnectArmOptions | undefined) =>
      SOArm.connect(configs[side], { ...shared, simSeed: SIM_SEEDS[side], ...own }).catch((error: unknown) => {
        if (error instanceof Error) error.message = `${side} arm: ${error.message}`;
        throw error;
      });
    const [left, right] = await openInOrder([() => connectSide("left", leftOptions), () => connectSide("right", rightOptions)], (arm) => arm.disconnect());
    return new BimanualArm(config, left!, right!);
  }

  /** Follower or leader, from the type. */
  get role(): ArmRole {
    return this.left.role;
  }

  /** Both ports, `left + right`, for messages. */
  get port(): string {
    return `${this.left.port} + ${this.right.port}`;
  }

  /** The left arm's keys prefixed `left_`, then the right's prefixed `right_`. */
  get positionNames(): string[] {
    return SIDES.flatMap((side) => this.arm(side).positionNames.map((n) => `${side}_${n}`));
  }

  /** One side's SOArm. */
  arm(side: Side): SOArm {
    return side === "left" ? this.left : this.right;
  }

  /** Both arms are read at once: they are on separate buses. */
  async readPositions(): Promise<Record<string, number>> {
    const [left, right] = await Promise.all(SIDES.map((side) => this.arm(side).readPositions()));
    return { ...prefixKeys("left", left!), ...prefixKeys("right", right!) };
  }

  async sendAction(action: Record<string, number>): Promise<Record<string, number>> {
    const [left, right] = await Promise.all(SIDES.map((side) => this.arm(side).sendAction(sideAction(side, action))));
    return { ...prefixKeys("left", left!), ...prefixKeys("right", right!) };
  }

  onLost(listener: (error: Error) => void): () => void {
    const off = SIDES.map((side) => this.arm(side).onLost((error) => listener(new Error(`${side} ${error.message}`))));
    return () => off.forEach((f) => f());
  }

  async disconnect(): Promise<void> {
    await Promise.all([this.left.disconnect(), this.right.disconnect()]);
  }
}
