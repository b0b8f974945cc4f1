/**
 * LeRobot's dotted arm flags (`--robot.type`, `--robot.port`, `--robot.id`, `--robot.use_degrees`,
 * `--robot.max_relative_target`, `--robot.disable_torque_on_disconnect`, and the same under
 * `--teleop.`) registered on a command and turned into an SOArmConfig.
 */
import type { Command } from "commander";
import type { SOArmConfig } from "../hardware/robots/so-arm.js";
import { armType } from "../hardware/robots/types.js";
import { UsageError } from "./errors.js";
import { parseBoolFlag } from "./flags.js";

export type ArmPrefix = "robot" | "teleop";

export function addArmOptions(command: Command, prefix: ArmPrefix, what: string): Command {
  return command
    .option(`--${prefix}.type <type>`, `${what} type (${prefix === "robot" ? "so101_follower, so100_follower, so_follower" : "so101_leader, so100_leader, so_leader"})`)
    .option(`--${prefix}.port <port>`, `${what} serial port (/dev/ttyACM0, COM3), or 'sim' for the built-in simulated arm`)
    .option(`--${prefix}.id <id>`, `${what} id: names its calibration file`)
    .option(`--${prefix}.use_degrees <bool>`, "joint positions in degrees (default true) or -100..100 (false)")
    .option(`--${prefix}.max_relative_target <value>`, "largest goal step from the present position: a number, or JSON {motor: number}")
    .option(`--${prefix}.disable_torque_on_disconnect <bool>`, "release torque when disconnecting (default true)");
}

/** The `--robot.*` follower of replay / calibrate-test: required, and of a follower type. */
export function followerFromFlags(flags: Record<string, unknown>): SOArmConfig {
  const robot = armConfigFromFlags(flags, "robot");
  if (!robot) throw new UsageError("--robot.type, --robot.port and --robot.id are required (the follower arm)");
  try {
    armType(robot.type, "follower");
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
  return robot;
}

/** The arm config from parsed flags, or undefined when no flag of this prefix was given. */
export function armConfigFromFlags(flags: Record<string, unknown>, prefix: ArmPrefix): SOArmConfig | undefined {
  const get = (name: string) => flags[`${prefix}.${name}`] as string | undefined;
  if (["type", "port", "id"].every((n) => get(n) === undefined)) return undefined;
  const type = get("type");
  const port = get("port");
  if (!type) throw new UsageError(`--${prefix}.type is required (e.g. --${prefix}.type=${prefix === "robot" ? "so101_follower" : "so101_leader"})`);
  if (!port) throw new UsageError(`--${prefix}.port is required (e.g. --${prefix}.port=/dev/ttyACM0, or --${prefix}.port=sim; lerobot-ts find-port finds it)`);
  const config: SOArmConfig = { type, port };
  const id = get("id");
  if (id !== undefined) config.id = id;
  if (get("use_degrees") !== undefined) config.useDegrees = parseBoolFlag(`${prefix}.use_degrees`, get("use_degrees"), true);
  if (get("disable_torque_on_disconnect") !== undefined) {
    config.disableTorqueOnDisconnect = parseBoolFlag(`${prefix}.disable_torque_on_disconnect`, get("disable_torque_on_disconnect"), true);
  }
  const cap = get("max_relative_target");
  if (cap !== undefined && cap !== "null" && cap !== "None") config.maxRelativeTarget = parseRelativeTarget(prefix, cap);
  return config;
}

function parseRelativeTarget(prefix: ArmPrefix, text: string): number | Record<string, number> {
  const number = Number(text);
  if (text.trim() !== "" && Number.isFinite(number) && number > 0) return number;
  try {
    const json = JSON.parse(text) as unknown;
    if (json && typeof json === "object" && Object.values(json).every((v) => typeof v === "number" && v > 0)) return json as Record<string, number>;
  } catch {
    // fall through to the usage error
  }
  throw new UsageError(`--${prefix}.max_relative_target must be a positive number or JSON {"motor": number}, got '${text}'`);
}
