/**
 * calibrate(config): LeRobot's calibration procedure as a process object. Torque off; the person
 * puts the arm mid-range (homing offsets make that pose read 2047); then moves every joint
 * through its range while MIN / POS / MAX are recorded (wrist_roll takes the whole encoder);
 * the result is written to the motors and saved in LeRobot's calibration file.
 * The person's part goes through `prompt` (the CLI reads Enter from stdin); on the simulator the
 * simulated hand does the moving, so Enter presses alone complete it.
 * A bimanual pair (bi_so_follower / bi_so_leader) is calibrated left arm first, then right, each
 * into its own file `<id>_left.json` / `<id>_right.json` (LeRobot's BimanualMixin.calibrate).
 */
import type { ArmCalibration } from "../hardware/calibration.js";
import { calibrationFileIn, calibrationPath, writeCalibrationFile } from "../hardware/calibration.js";
import { encodeSignMagnitude } from "../hardware/feetech/control-table.js";
import type { ArmConnectOptions } from "../hardware/robots/arm.js";
import { armPorts, isBimanualConfig } from "../hardware/robots/arm.js";
import type { BimanualArmConfig, Side } from "../hardware/robots/bimanual.js";
import { SIM_SEEDS, sideConfig } from "../hardware/robots/bimanual.js";
import type { ConnectArmOptions, SOArmConfig } from "../hardware/robots/so-arm.js";
import { SOArm } from "../hardware/robots/so-arm.js";
import { FULL_TURN_MOTOR, SO_MOTORS, SO_MOTOR_NAMES, checkArmType } from "../hardware/robots/types.js";
import type { HardwareProcess } from "./process.js";
import { deferred } from "./process.js";

export type CalibrationPhase = "connecting" | "existing-file" | "mid-pose" | "recording-ranges" | "saving" | "done" | "failed" | "stopped";

export interface CalibrationPrompt {
  phase: CalibrationPhase;
  message: string;
  /** The arm of a bimanual pair being calibrated. */
  side?: Side;
}

export interface RangeRow {
  motor: string;
  min: number;
  position: number;
  max: number;
}

export interface CalibrationState {
  phase: CalibrationPhase;
  /** Live MIN / POS / MAX per motor while ranges are recorded (raw steps). */
  ranges: RangeRow[];
  homingOffsets: Record<string, number> | undefined;
  file: string | undefined;
  error: string | undefined;
  /** The arm of a bimanual pair being calibrated. */
  side?: Side;
}

export interface CalibrationResult {
  calibration: ArmCalibration;
  file: string;
  /** True when the existing file was kept (written to the motors) rather than a new calibration made. */
  keptExistingFile: boolean;
}

/** A bimanual pair's calibration: one file per arm. */
export interface BimanualCalibrationResult {
  left: CalibrationResult;
  right: CalibrationResult;
}

export interface CalibrateConfig {
  /** One SO arm, or a bimanual pair. */
  arm: SOArmConfig | BimanualArmConfig;
  /**
   * Ask the person something and resolve with their answer line (Enter = ""). Called for the
   * existing-file question, the mid-range pose, and the end of the range recording.
   */
  prompt: (prompt: CalibrationPrompt) => Promise<string>;
  onStateUpdate?: (state: CalibrationState) => void;
  /** Called with each new MIN / POS / MAX table while ranges are recorded (about 50 times a second). */
  onRangesUpdate?: (rows: RangeRow[]) => void;
  log?: (line: string) => void;
  env?: NodeJS.ProcessEnv;
  /** Connection options (an injected transport or simulated arm; per side under `left` / `right`). */
  connect?: ArmConnectOptions;
  /** Sampling period of the range recording, ms (LeRobot: 20). */
  samplePeriodMs?: number;
}

const HALF_TURN = 2047;

export class CalibrationError extends Error {
  override name = "CalibrationError";
}

export async function calibrate(config: CalibrateConfig & { arm: SOArmConfig }): Promise<HardwareProcess<CalibrationState, CalibrationResult>>;
export async function calibrate(config: CalibrateConfig & { arm: BimanualArmConfig }): Promise<HardwareProcess<CalibrationState, BimanualCalibrationResult>>;
export async function calibrate(config: CalibrateConfig): Promise<HardwareProcess<CalibrationState, CalibrationResult | BimanualCalibrationResult>>;
export async function calibrate(config: CalibrateConfig): Promise<HardwareProcess<CalibrationState, CalibrationResult | BimanualCalibrationResult>> {
  // The id names the calibration file; without one a real arm's file would be `undefined.json`
  // (a simulated arm is called `sim`).
  if (config.arm.id === undefined && armPorts(config.arm).some((port) => port !== "sim")) {
    const flag = checkArmType(config.arm.type) === "leader" ? "teleop" : "robot";
    throw new CalibrationError(`${config.arm.type} needs an id: it names the calibration file (--${flag}.id=my_arm)`);
  }
  if (isBimanualConfig(config.arm)) return calibratePair(config, config.arm);
  const { left: _left, right: _right, ...options } = config.connect ?? {};
  return calibrationProcess(await connectUncalibrated(config.arm, options, config), config, undefined);
}

/** Connect an arm as calibrate needs it: no calibration required, nothing configured. */
function connectUncalibrated(arm: SOArmConfig, options: ConnectArmOptions, config: CalibrateConfig): Promise<SOArm> {
  return SOArm.connect(arm, { ...options, requireCalibration: false, ...(config.log ? { log: config.log } : {}), ...(config.env ? { env: config.env } : {}) });
}

/**
 * Both arms connected first (as lerobot_calibrate.py connects the device, then calibrates), then
 * the left arm calibrated, then the right; state and prompts say which side they are about.
 */
async function calibratePair(config: CalibrateConfig, pair: BimanualArmConfig): Promise<HardwareProcess<CalibrationState, BimanualCalibrationResult>> {
  const { left: leftOptions, right: rightOptions, ...shared } = config.connect ?? {};
  const left = await connectUncalibrated(sideConfig(pair, "left"), { ...shared, simSeed: SIM_SEEDS.left, ...leftOptions }, config);
  let right: SOArm;
  try {
    right = await connectUncalibrated(sideConfig(pair, "right"), { ...shared, simSeed: SIM_SEEDS.right, ...rightOptions }, config);
  } catch (error) {
    await left.disconnect();
    throw error;
  }
  let state: CalibrationState = { phase: "connecting", ranges: [], homingOffsets: undefined, file: undefined, error: undefined, side: "left" };
  const forward = (s: CalibrationState) => {
    state = s;
    config.onStateUpdate?.({ ...s });
  };
  const jobs = {
    left: calibrationProcess(left, { ...config, onStateUpdate: forward }, "left"),
    right: calibrationProcess(right, { ...config, onStateUpdate: forward }, "right"),
  };
  const outcome = deferred<BimanualCalibrationResult>();
  let started = false;
  // Stopping an unstarted side disconnects it, which must happen once.
  let rightStopped = false;
  const stopRight = () => {
    if (rightStopped) return;
    rightStopped = true;
    jobs.right.stop();
  };
  const run = async (): Promise<BimanualCalibrationResult> => {
    jobs.left.start();
    const leftResult = await jobs.left.result;
    if (rightStopped) throw new CalibrationError("calibration stopped after the left arm; the right arm was not calibrated");
    jobs.right.start();
    return { left: leftResult, right: await jobs.right.result };
  };
  return {
    start() {
      if (started) return;
      started = true;
      // A failed left side leaves the right one unstarted: stopping it disconnects it.
      run().then(outcome.resolve, (error: unknown) => {
        stopRight();
        outcome.reject(error);
      });
    },
    stop() {
      jobs.left.stop();
      stopRight();
      if (!started) outcome.reject(new CalibrationError("calibration stopped before it started"));
    },
    getState: () => ({ ...state }),
    result: outcome.promise,
  };
}

/** The calibration procedure on a connected arm; disconnects it at the end. */
function calibrationProcess(arm: SOArm, config: CalibrateConfig, side: Side | undefined): HardwareProcess<CalibrationState, CalibrationResult> {
  const state: CalibrationState = { phase: "connecting", ranges: [], homingOffsets: undefined, file: undefined, error: undefined, ...(side ? { side } : {}) };
  const update = (patch: Partial<CalibrationState>) => {
    Object.assign(state, patch);
    config.onStateUpdate?.({ ...state });
  };
  const prompt = (p: CalibrationPrompt) => config.prompt(side ? { ...p, side } : p);
  // Written where connect looks: the calibration_dir given, else the current folder name (so_follower, ...).
  const file = arm.config.calibrationDir !== undefined ? calibrationFileIn(arm.config.calibrationDir, arm.config.id!) :
    calibrationPath(arm.armType.kind, arm.armType.calibrationNames[0]!, arm.config.id!, config.env);
  const outcome = deferred<CalibrationResult>();
  let started = false;
  let stopped = false;

  const run = async (): Promise<CalibrationResult> => {
    const existing = arm.calibrationSource && arm.calibrationSource !== "simulator" ? arm.calibration : undefined;
    if (existing) {
      update({ phase: "existing-file" });
      const answer = await prompt({ phase: "existing-file", message: `Press ENTER to use the calibration file of '${arm.config.id}' (${arm.calibrationSource}), or type 'c' and press ENTER to run calibration: ` });
      if (answer.trim().toLowerCase() !== "c") {
        await arm.writeCalibration(existing);
        return { calibration: existing, file: arm.calibrationSource!, keptExistingFile: true };
      }
    }
    await arm.disableTorque();
    for (const { id } of SO_MOTORS) await arm.bus.write(id, "Operating_Mode", 0, 2);

    const offsets = await findHomingOffsets();
    const ranges = await recordRanges();
    const calibration: ArmCalibration = {};
    for (const { name, id } of SO_MOTORS) {
      calibration[name] = { id, drive_mode: 0, homing_offset: offsets[name]!, range_min: ranges[name]!.min, range_max: ranges[name]!.max };
    }
    update({ phase: "saving" });
    await arm.writeCalibration(calibration);
    writeCalibrationFile(file, calibration);
    return { calibration, file, keptExistingFile: false };
  };

  /**
   * Homing offsets that make the mid-range pose read 2047. An offset must fit sign-magnitude
   * with 11 bits (|offset| <= 2047): a joint reading 4095 at mid-range cannot be homed there (the
   * "Magnitude exceeds 2047" LeRobot users hit), so the person is asked to move it and retry.
   */
  const findHomingOffsets = async (): Promise<Record<string, number>> => {
    for (;;) {
      update({ phase: "mid-pose" });
      arm.simulator?.hand.calibrationMidPose();
      await prompt({ phase: "mid-pose", message: `Move ${arm.config.type} '${arm.config.id}' to the middle of its range of motion and press ENTER...` });
      throwIfStopped();
      // The simulated hand takes a moment to get there; a person has already done it.
      if (arm.simulator) await waitUntilStill();
      for (const { id } of SO_MOTORS) {
        await arm.bus.write(id, "Homing_Offset", 0, 2);
        await arm.bus.write(id, "Min_Position_Limit", 0, 2);
        await arm.bus.write(id, "Max_Position_Limit", 4095, 2);
      }
      const raw = await arm.readRaw(5);
      const offsets = Object.fromEntries(SO_MOTOR_NAMES.map((m) => [m, raw[m]! - HALF_TURN]));
      const bad = SO_MOTOR_NAMES.filter((m) => {
        try {
          encodeSignMagnitude(offsets[m]!, 11);
          return false;
        } catch {
          return true;
        }
      });
      if (bad.length === 0) {
        for (const { name, id } of SO_MOTORS) await arm.bus.write(id, "Homing_Offset", offsets[name]!, 2);
        update({ homingOffsets: offsets });
        return offsets;
      }
      config.log?.(`${bad.map((m) => `${m} reads ${raw[m]}`).join(", ")} at this pose: a homing offset must stay within ±2047 steps ` +
        `(LeRobot's "Magnitude exceeds 2047"). Turn ${bad.length === 1 ? "that joint" : "those joints"} a little away from the encoder's end and press ENTER again.`);
    }
  };

  const recordRanges = async (): Promise<Record<string, { min: number; max: number }>> => {
    update({ phase: "recording-ranges" });
    const tracked = SO_MOTOR_NAMES.filter((m) => m !== FULL_TURN_MOTOR);
    const start = await arm.readRaw(5);
    const min: Record<string, number> = { ...start };
    const max: Record<string, number> = { ...start };
    let enterPressed = false;
    const hand = arm.simulator?.hand;
    hand?.calibrationSweep();
    const answer = prompt({
      phase: "recording-ranges",
      message: `Move all joints except '${FULL_TURN_MOTOR}' sequentially through their entire ranges of motion.\nRecording positions. Press ENTER to stop...`,
    }).then(() => { enterPressed = true; });
    const period = config.samplePeriodMs ?? 20;
    // Sample until Enter (and, on the simulator, until its hand has finished the sweep).
    while (!(enterPressed && (!hand || hand.progress.sweepDone)) && !stopped) {
      const raw = await arm.readRaw(5);
      for (const m of tracked) {
        min[m] = Math.min(min[m]!, raw[m]!);
        max[m] = Math.max(max[m]!, raw[m]!);
      }
      const rows = SO_MOTOR_NAMES.map((m) => ({ motor: m, min: min[m]!, position: raw[m]!, max: max[m]! }));
      state.ranges = rows;
      config.onRangesUpdate?.(rows);
      await new Promise((resolve) => setTimeout(resolve, period));
    }
    await answer;
    throwIfStopped();
    // Limits are unsigned: a joint that went far below its mid-range pose cannot be stored.
    const outside = tracked.filter((m) => min[m]! < 0 || max[m]! > 4095);
    if (outside.length > 0) {
      throw new CalibrationError(`${outside.map((m) => `${m} reached ${min[m]! < 0 ? min[m] : max[m]}`).join(", ")}: outside 0..4095 after homing, so the pose at the first step was not mid-range; calibrate again from the middle of each joint's range`);
    }
    const same = tracked.filter((m) => min[m] === max[m]);
    if (same.length > 0) throw new CalibrationError(`${same.join(", ")} did not move while recording (min = max); move every joint through its whole range and calibrate again`);
    const out: Record<string, { min: number; max: number }> = {};
    for (const m of tracked) out[m] = { min: min[m]!, max: max[m]! };
    out[FULL_TURN_MOTOR] = { min: 0, max: 4095 };
    return out;
  };

  /** Until two reads 50 ms apart agree (at most 5 s). */
  const waitUntilStill = async () => {
    let last = JSON.stringify(await arm.readRaw(5));
    for (let i = 0; i < 100; i++) {
      await new Promise((resolve) => setTimeout(resolve, 50));
      const now = JSON.stringify(await arm.readRaw(5));
      if (now === last) return;
      last = now;
    }
  };

  const throwIfStopped = () => {
    if (stopped) throw new CalibrationError("calibration stopped before it finished; nothing was saved");
  };

  return {
    start() {
      if (started) return;
      started = true;
      run().then(
        (result) => {
          update({ phase: "done", file: result.file });
          outcome.resolve(result);
        },
        (error: unknown) => {
          update({ phase: stopped ? "stopped" : "failed", error: error instanceof Error ? error.message : String(error) });
          outcome.reject(error);
        },
      ).finally(() => arm.disconnect());
    },
    stop() {
      stopped = true;
      if (!started) {
        update({ phase: "stopped" });
        outcome.reject(new CalibrationError("calibration stopped before it started"));
        void arm.disconnect();
      }
    },
    getState: () => ({ ...state }),
    result: outcome.promise,
  };
}
