/**
 * Calibration files in LeRobot's format and places:
 * `$HF_LEROBOT_CALIBRATION/{robots|teleoperators}/<name>/<id>.json`, where HF_LEROBOT_CALIBRATION
 * defaults to `$HF_LEROBOT_HOME/calibration` (HF_HOME/lerobot, ~/.cache/huggingface/lerobot).
 * `<name>` is `so_follower` / `so_leader` since LeRobot v0.4.3 and `so101_follower` etc. before;
 * both are read, the current one is written.
 */
import fs from "node:fs";
import path from "node:path";
import { z } from "zod";
import { lerobotHome } from "../system/index.js";

/** One motor's entry in a LeRobot calibration file (MotorCalibration in lerobot/motors/motors_bus.py). */
export const motorCalibrationSchema = z.object({
  id: z.number().int().min(0).max(253),
  drive_mode: z.number().int(),
  homing_offset: z.number().int().min(-2047).max(2047),
  range_min: z.number().int().min(0).max(4095),
  range_max: z.number().int().min(0).max(4095),
});
/** One motor's calibration: bus id, drive mode (1 = reversed), homing offset and the range in raw steps, LeRobot's fields. */
export type MotorCalibration = z.infer<typeof motorCalibrationSchema>;
/** An arm's calibration file: motor name -> its calibration, as LeRobot writes `<id>.json`. */
export type ArmCalibration = Record<string, MotorCalibration>;

/** The calibration subfolder: `robots` for followers, `teleoperators` for leaders (LeRobot's layout). */
export type DeviceKind = "robots" | "teleoperators";

/** A calibration file that cannot be read, is not JSON, lacks a motor or has a bad value; `file` names it. */
export class CalibrationFileError extends Error {
  override name = "CalibrationFileError";
  constructor(message: string, readonly file: string) {
    super(message);
  }
}

function calibrationRoot(env: NodeJS.ProcessEnv = process.env): string {
  return env.HF_LEROBOT_CALIBRATION ? path.resolve(env.HF_LEROBOT_CALIBRATION) : path.join(lerobotHome(env), "calibration");
}

/**
 * Where LeRobot keeps a device's calibration: `<root>/<kind>/<name>/<id>.json`, the root being
 * `$HF_LEROBOT_CALIBRATION`, else `$HF_LEROBOT_HOME/calibration`. Only computes the path.
 */
export function calibrationPath(kind: DeviceKind, name: string, id: string, env: NodeJS.ProcessEnv = process.env): string {
  return path.join(calibrationRoot(env), kind, name, `${id}.json`);
}

/** `<dir>/<id>.json`: the file in a calibration folder given explicitly (LeRobot's calibration_dir). */
export function calibrationFileIn(dir: string, id: string): string {
  return path.join(path.resolve(dir), `${id}.json`);
}

/** The first existing file among the folder names given (current name first), or undefined. */
export function findCalibrationFile(kind: DeviceKind, names: string[], id: string, env: NodeJS.ProcessEnv = process.env): string | undefined {
  return names.map((n) => calibrationPath(kind, n, id, env)).find((p) => fs.existsSync(p));
}

/**
 * Read a LeRobot calibration file, keeping the entries of `motors`.
 * @throws CalibrationFileError when the file cannot be read or parsed, lacks one of `motors`, or has an out-of-range value.
 */
export function readCalibrationFile(file: string, motors: string[]): ArmCalibration {
  let json: unknown;
  try {
    json = JSON.parse(fs.readFileSync(file, "utf8"));
  } catch (error) {
    throw new CalibrationFileError(`calibration file ${file} cannot be read: ${(error as Error).message}`, file);
  }
  if (!json || typeof json !== "object") throw new CalibrationFileError(`calibration file ${file} is not a JSON object of motors`, file);
  const out: ArmCalibration = {};
  for (const motor of motors) {
    const entry = (json as Record<string, unknown>)[motor];
    if (entry === undefined) throw new CalibrationFileError(`calibration file ${file} has no entry for motor '${motor}'`, file);
    const parsed = motorCalibrationSchema.safeParse(entry);
    if (!parsed.success) {
      const issue = parsed.error.issues[0]!;
      throw new CalibrationFileError(`calibration file ${file}: motor '${motor}' ${issue.path.join(".")}: ${issue.message}`, file);
    }
    out[motor] = parsed.data;
  }
  return out;
}

/**
 * Write a calibration file as LeRobot does (json.dump, indent 4), creating its folders; atomic
 * (a temporary file renamed over `file`). Throws the file system's error.
 */
export function writeCalibrationFile(file: string, calibration: ArmCalibration): void {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  const temp = `${file}.tmp-${process.pid}`;
  fs.writeFileSync(temp, `${JSON.stringify(calibration, null, 4)}`);
  fs.renameSync(temp, file);
}
