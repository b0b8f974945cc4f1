/**
 * LeRobot's dotted arm flags registered on a command and turned into an arm config: for one SO
 * arm `--robot.type`, `--robot.port`, `--robot.id`, `--robot.calibration_dir`, `--robot.use_degrees`,
 * `--robot.max_relative_target`, `--robot.disable_torque_on_disconnect`,
 * `--robot.position_{p,i,d}_coefficient`, `--robot.num_read_retries`; for a bimanual pair
 * (bi_so_follower / bi_so_leader) the per-arm ones under `--robot.left_arm_config.` and
 * `--robot.right_arm_config.`. The same under `--teleop.`.
 */
import type { Command } from "commander";
import type { CameraConfig, ArmConfig, BimanualArmConfig, SOArmSideConfig, SOArmConfig } from "../hardware/index.js";
import { parseCamerasJson, isBimanualConfig, SIDES, bimanualCameras, armType, isBimanualType } from "../hardware/index.js";
import { UsageError } from "./errors.js";
import { parseBoolFlag, parseIntFlag } from "./flags.js";

export type ArmPrefix = "robot" | "teleop";

/** One SO arm's settings (LeRobot's SOFollowerConfig / SOLeaderConfig fields), flag name and help. */
const ARM_SETTINGS: [name: string, arg: string, help: string][] = [
  ["port", "<port>", "serial port (/dev/ttyACM0, COM3), or 'sim' for the built-in simulated arm"],
  ["use_degrees", "<bool>", "joint positions in degrees (default true) or -100..100 (false)"],
  ["max_relative_target", "<value>", "largest goal step from the present position: a number, or JSON {motor: number}"],
  ["disable_torque_on_disconnect", "<bool>", "release torque when disconnecting (default true)"],
  ["position_p_coefficient", "<n>", "position P gain written to the motors at connect (follower; default 16)"],
  ["position_i_coefficient", "<n>", "position I gain (follower; default 0)"],
  ["position_d_coefficient", "<n>", "position D gain (follower; default 32)"],
  ["num_read_retries", "<n>", "retries of a failed position read (default 2)"],
];

/** Settings a leader has no use for: its torque is off, nothing is sent to it. */
const FOLLOWER_ONLY = ["max_relative_target", "disable_torque_on_disconnect", "position_p_coefficient", "position_i_coefficient", "position_d_coefficient"];

const EXAMPLE_TYPE: Record<ArmPrefix, { one: string; two: string }> = {
  robot: { one: "so101_follower", two: "bi_so_follower" },
  teleop: { one: "so101_leader", two: "bi_so_leader" },
};

export function addArmOptions(command: Command, prefix: ArmPrefix, what: string): Command {
  const types = prefix === "robot" ? "so101_follower, so100_follower, so_follower, bi_so_follower" : "so101_leader, so100_leader, so_leader, bi_so_leader";
  command
    .option(`--${prefix}.type <type>`, `${what} type (${types})`)
    .option(`--${prefix}.id <id>`, `${what} id: names its calibration file (a bimanual pair's arms: <id>_left, <id>_right)`)
    .option(`--${prefix}.calibration_dir <dir>`, "folder holding the calibration file <id>.json (default: the LeRobot calibration folder)");
  for (const [name, arg, help] of ARM_SETTINGS) command.option(`--${prefix}.${name} ${arg}`, `${what} ${help}`);
  for (const side of SIDES) {
    for (const [name, arg, help] of ARM_SETTINGS) command.option(`--${prefix}.${side}_arm_config.${name} ${arg}`, `${EXAMPLE_TYPE[prefix].two}: ${side} arm ${help}`);
  }
  return command;
}

/** Per-arm cameras of a bi_so_follower, for commands that take `--robot.cameras`. */
export function addBimanualCameraOptions(command: Command): Command {
  for (const side of SIDES) command.option(`--robot.${side}_arm_config.cameras <json>`, `bi_so_follower: cameras on the ${side} arm (named ${side}_<name> in the dataset)`);
  return command;
}

/** The follower of replay / calibrate-test: required, of a follower type; a pair only where allowed. */
export function followerFromFlags(flags: Record<string, unknown>): SOArmConfig;
export function followerFromFlags(flags: Record<string, unknown>, options: { bimanual: true }): ArmConfig;
export function followerFromFlags(flags: Record<string, unknown>, options: { bimanual?: boolean } = {}): ArmConfig {
  const robot = armConfigFromFlags(flags, "robot");
  if (!robot) throw new UsageError("--robot.type, --robot.port and --robot.id are required (the follower arm)");
  if (isBimanualConfig(robot)) {
    if (!options.bimanual) throw new UsageError(`this command takes one arm, not ${robot.type}: give each arm as --robot.type=so_follower --robot.port=... --robot.id=<id>_left (or _right)`);
    if (robot.type !== "bi_so_follower") throw new UsageError(`unknown robot type '${robot.type}' (a bimanual follower is bi_so_follower)`);
    return robot;
  }
  try {
    armType(robot.type, "follower");
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
  return robot;
}

/**
 * The arm config from parsed flags, or undefined when no flag of this prefix was given. Flags a
 * leader has no use for are accepted with one note line each (`note`, default stdout).
 */
export function armConfigFromFlags(
  flags: Record<string, unknown>, prefix: ArmPrefix, note: (line: string) => void = (line) => process.stdout.write(`${line}\n`),
): ArmConfig | undefined {
  const get = (name: string) => flags[`${prefix}.${name}`] as string | undefined;
  const sideFlags = Object.keys(flags).filter((k) => SIDES.some((side) => k.startsWith(`${prefix}.${side}_arm_config.`)) && flags[k] !== undefined);
  if (["type", "port", "id"].every((n) => get(n) === undefined) && sideFlags.length === 0) return undefined;
  const type = get("type");
  if (!type) throw new UsageError(`--${prefix}.type is required (e.g. --${prefix}.type=${EXAMPLE_TYPE[prefix].one}, or ${EXAMPLE_TYPE[prefix].two} for two arms)`);
  const common = {
    ...(get("id") !== undefined ? { id: get("id")! } : {}),
    ...(get("calibration_dir") !== undefined ? { calibrationDir: get("calibration_dir")! } : {}),
  };
  const leader = prefix === "teleop";
  if (isBimanualType(type)) return bimanualConfigFromFlags(flags, prefix, type, common, leader, note);
  if (sideFlags.length > 0) throw new UsageError(`--${sideFlags[0]} is for a bimanual ${EXAMPLE_TYPE[prefix].two}, but --${prefix}.type is ${type}`);
  if (!get("port")) throw new UsageError(`--${prefix}.port is required (e.g. --${prefix}.port=/dev/ttyACM0, or --${prefix}.port=sim; lerobot-ts find-port finds it)`);
  return { type, ...common, ...armSettingsFromFlags(flags, prefix, leader, note) } as SOArmConfig;
}

/** BiSOFollowerConfig / BiSOLeaderConfig: id and calibration_dir shared, the rest per arm. */
function bimanualConfigFromFlags(
  flags: Record<string, unknown>, prefix: ArmPrefix, type: string, common: { id?: string; calibrationDir?: string }, leader: boolean, note: (line: string) => void,
): BimanualArmConfig {
  const shared = ARM_SETTINGS.map(([name]) => name).find((name) => flags[`${prefix}.${name}`] !== undefined);
  if (shared) {
    throw new UsageError(`--${prefix}.${shared} is not a ${type} setting: give --${prefix}.left_arm_config.${shared} and/or --${prefix}.right_arm_config.${shared}`);
  }
  const side = (s: (typeof SIDES)[number]) => {
    const flag = `${prefix}.${s}_arm_config`;
    if (flags[`${flag}.port`] === undefined) throw new UsageError(`--${flag}.port is required: ${type} has two arms (e.g. --${flag}.port=/dev/ttyACM${s === "left" ? 0 : 1}, or sim)`);
    return armSettingsFromFlags(flags, flag, leader, note);
  };
  return { type, ...common, left: side("left"), right: side("right") };
}

/** One arm's settings from the flags under `flag` (`robot`, `robot.left_arm_config`, ...). */
function armSettingsFromFlags(flags: Record<string, unknown>, flag: string, leader: boolean, note: (line: string) => void): SOArmSideConfig {
  const get = (name: string) => flags[`${flag}.${name}`] as string | undefined;
  const config: SOArmSideConfig = { port: get("port")! };
  if (get("use_degrees") !== undefined) config.useDegrees = parseBoolFlag(`${flag}.use_degrees`, get("use_degrees"), true);
  if (get("disable_torque_on_disconnect") !== undefined) {
    config.disableTorqueOnDisconnect = parseBoolFlag(`${flag}.disable_torque_on_disconnect`, get("disable_torque_on_disconnect"), true);
  }
  const cap = get("max_relative_target");
  if (cap !== undefined && cap !== "null" && cap !== "None") config.maxRelativeTarget = parseRelativeTarget(flag, cap);
  if (get("num_read_retries") !== undefined) config.numReadRetries = parseIntFlag(`${flag}.num_read_retries`, get("num_read_retries")!, 0);
  const gains = { p: "positionPCoefficient", i: "positionICoefficient", d: "positionDCoefficient" } as const;
  for (const [letter, key] of Object.entries(gains)) {
    const name = `position_${letter}_coefficient`;
    if (get(name) !== undefined) config[key] = parseGain(`${flag}.${name}`, get(name)!);
  }
  if (leader) {
    for (const name of FOLLOWER_ONLY.filter((n) => get(n) !== undefined)) {
      note(`note: --${flag}.${name} has no effect: it is a follower setting, and a leader arm's torque is off (nothing is sent to it)`);
    }
  }
  return config;
}

/** A PID gain: one byte in the STS3215's control table. */
function parseGain(name: string, text: string): number {
  const value = parseIntFlag(name, text, 0);
  if (value > 255) throw new UsageError(`--${name} must be an integer 0..255 (one byte in the motor), got '${text}'`);
  return value;
}

function parseRelativeTarget(flag: string, text: string): number | Record<string, number> {
  const number = Number(text);
  if (text.trim() !== "" && Number.isFinite(number) && number > 0) return number;
  try {
    const json = JSON.parse(text) as unknown;
    if (json && typeof json === "object" && Object.values(json).every((v) => typeof v === "number" && v > 0)) return json as Record<string, number>;
  } catch {
    // fall through to the usage error
  }
  throw new UsageError(`--${flag}.max_relative_target must be a positive number or JSON {"motor": number}, got '${text}'`);
}

/**
 * The robot's cameras by observation name: `--robot.cameras` for one arm; for a bi_so_follower
 * also `--robot.{left,right}_arm_config.cameras`, named as LeRobot does (bimanualCameras).
 */
export function cameraConfigsFromFlags(flags: Record<string, unknown>, robot: ArmConfig): Record<string, CameraConfig> {
  const parse = (flag: string): Record<string, CameraConfig> => {
    const text = flags[flag] as string | undefined;
    if (text === undefined) return {};
    try {
      return parseCamerasJson(text);
    } catch (error) {
      throw new UsageError(`--${flag}: ${(error as Error).message}`);
    }
  };
  const top = parse("robot.cameras");
  if (!isBimanualConfig(robot)) return top;
  try {
    return bimanualCameras({ left: parse("robot.left_arm_config.cameras"), top, right: parse("robot.right_arm_config.cameras") });
  } catch (error) {
    if (error instanceof UsageError) throw error;
    throw new UsageError(`--robot.cameras: ${(error as Error).message}`);
  }
}
