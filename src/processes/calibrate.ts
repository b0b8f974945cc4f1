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
import type { ArmCalibration, ArmConnectOptions, BimanualArmConfig, Side, ConnectArmOptions, SOArmConfig } from "../hardware/index.js";
import { calibrationFileIn, calibrationPath, writeCalibrationFile, encodeSignMagnitude, armPorts, isBimanualConfig, SIDES, SIM_SEEDS, sideConfig, SOArm, FULL_TURN_MOTOR, SO_MOTORS, SO_MOTOR_NAMES, checkArmType, isSimulatedPort, openInOrder } from "../hardware/index.js";
import type { Lifecycle } from "./lifecycle.js";
import { lifecycle, sleep, unlessAborted } from "./lifecycle.js";
import { PacedClock } from "./paced-clock.js";
import type { HardwareProcess, Stopped } from "./process.js";
import { STOPPED } from "./process.js";

/**
 * A calibrate process's phase: asking about an existing file, waiting for the mid-range pose,
 * recording ranges, saving, then a terminal phase. "connecting" is no longer reported:
 * calibrate() returns connected, in "ready".
 */
export type CalibrationPhase = "ready" | "connecting" | "existing-file" | "mid-pose" | "recording-ranges" | "saving" | "done" | "failed" | "stopped";

/** A question for the person, given to CalibrateConfig.prompt. */
export interface CalibrationPrompt {
  /** The phase asking. */
  phase: CalibrationPhase;
  /** What to tell the person (LeRobot's wording). */
  message: string;
  /** The arm of a bimanual pair being calibrated. */
  side?: Side;
}

/** One motor's row of the live MIN / POS / MAX table, raw steps after homing. */
export interface RangeRow {
  motor: string;
  /** Lowest position seen so far. */
  min: number;
  /** Position now. */
  position: number;
  /** Highest position seen so far. */
  max: number;
}

/** What calibrate reports through onStateUpdate and getState(). */
export interface CalibrationState {
  phase: CalibrationPhase;
  /** Live MIN / POS / MAX per motor while ranges are recorded (raw steps). */
  ranges: RangeRow[];
  /** Homing offsets once the mid-range pose is taken. */
  homingOffsets: Record<string, number> | undefined;
  /** The calibration file, once known. */
  file: string | undefined;
  /** The message of the error that failed the process. */
  error: string | undefined;
  /** The arm of a bimanual pair being calibrated. */
  side?: Side;
}

/** One arm's calibration, as written to its motors and its file. */
export interface CalibrationResult {
  calibration: ArmCalibration;
  /** The calibration file written (or kept). */
  file: string;
  /** True when the existing file was kept (written to the motors) rather than a new calibration made. */
  keptExistingFile: boolean;
}

/** A bimanual pair's calibration: one file per arm. */
export interface BimanualCalibrationResult {
  left: CalibrationResult;
  right: CalibrationResult;
}

/** Configuration of calibrate(): LeRobot's CalibrateConfig plus the person's side of the dialogue. */
export interface CalibrateConfig {
  /** One SO arm, or a bimanual pair. */
  arm: SOArmConfig | BimanualArmConfig;
  /**
   * Ask the person something and resolve with their answer line (Enter = ""). Called for the
   * existing-file question, the mid-range pose, and the end of the range recording.
   */
  prompt: (prompt: CalibrationPrompt) => Promise<string>;
  /** Called on every change of phase or values. */
  onStateUpdate?: (state: CalibrationState) => void;
  /** Called with each new MIN / POS / MAX table while ranges are recorded (about 50 times a second). */
  onRangesUpdate?: (rows: RangeRow[]) => void;
  /** Lines saying what happens (simulator used, file kept). */
  log?: (line: string) => void;
  /** Environment for the calibration folder (HF_LEROBOT_CALIBRATION, HF_LEROBOT_HOME, HF_HOME). */
  env?: NodeJS.ProcessEnv;
  /** Connection options (an injected transport or simulated arm; per side under `left` / `right`). */
  connect?: ArmConnectOptions;
  /** Sampling period of the range recording, ms (LeRobot: 20). */
  samplePeriodMs?: number;
}

const HALF_TURN = 2047;

/** Calibration cannot be made: no id for a real arm, a pose that was not mid-range, a joint that did not move. */
export class CalibrationError extends Error {
  override name = "CalibrationError";
}

/**
 * Calibrate an arm (or a pair, left then right), as LeRobot's calibrate (lerobot/scripts/
 * lerobot_calibrate.py, SOFollower.calibrate): torque off, the mid-range pose sets the homing
 * offsets, then each joint's range is recorded until the person presses Enter. A process object;
 * its contract is processes/process.ts. Resolves once the arm is connected (uncalibrated, nothing
 * configured); rejects with CalibrationError when a real arm has no id, and with what
 * SOArm.connect rejects with. Writes the calibration to the motors' EEPROM and to the calibration
 * file (`<id>.json`, or `<id>_left.json` / `<id>_right.json`). `result` resolves with the
 * calibration, or STOPPED when stopped first; it rejects with CalibrationError for a bad recording.
 */
export async function calibrate(config: CalibrateConfig & { arm: SOArmConfig }): Promise<HardwareProcess<CalibrationState, CalibrationResult | Stopped>>;
export async function calibrate(config: CalibrateConfig & { arm: BimanualArmConfig }): Promise<HardwareProcess<CalibrationState, BimanualCalibrationResult | Stopped>>;
export async function calibrate(config: CalibrateConfig): Promise<HardwareProcess<CalibrationState, CalibrationResult | BimanualCalibrationResult | Stopped>>;
export async function calibrate(config: CalibrateConfig): Promise<HardwareProcess<CalibrationState, CalibrationResult | BimanualCalibrationResult | Stopped>> {
  // The id names the calibration file; without one a real arm's file would be `undefined.json`
  // (a simulated arm is called `sim`).
  if (config.arm.id === undefined && armPorts(config.arm).some((port) => !isSimulatedPort(port))) {
    const flag = checkArmType(config.arm.type) === "leader" ? "teleop" : "robot";
    throw new CalibrationError(`${config.arm.type} needs an id: it names the calibration file (--${flag}.id=my_arm)`);
  }
  const { left: leftOptions, right: rightOptions, ...shared } = config.connect ?? {};
  const pair = isBimanualConfig(config.arm) ? config.arm : undefined;
  // Both arms of a pair connected first (as lerobot_calibrate.py connects the device, then
  // calibrates), then the left arm calibrated, then the right.
  const arms: { arm: SOArm; side: Side | undefined }[] = pair
    ? (await openInOrder(
      SIDES.map((side) => () => connectUncalibrated(sideConfig(pair, side), { ...shared, simSeed: SIM_SEEDS[side], ...(side === "left" ? leftOptions : rightOptions) }, config)),
      (arm) => arm.disconnect(),
    )).map((arm, i) => ({ arm, side: SIDES[i] }))
    : [{ arm: await connectUncalibrated(config.arm as SOArmConfig, shared, config), side: undefined }];

  const lc = lifecycle<CalibrationState, CalibrationResult | BimanualCalibrationResult | Stopped>({
    state: { phase: "ready", ranges: [], homingOffsets: undefined, file: undefined, error: undefined, ...(pair ? { side: "left" as const } : {}) },
    onStateUpdate: config.onStateUpdate,
    copy: (s) => ({ ...s, ranges: [...s.ranges] }),
    release: () => Promise.all(arms.map(({ arm }) => arm.disconnect())).then(() => {}),
    stoppedResult: () => STOPPED,
    run: async () => {
      const results: CalibrationResult[] = [];
      for (const { arm, side } of arms) {
        if (lc.stopping && side === "right") config.log?.("calibration stopped after the left arm; the right arm was not calibrated");
        lc.signal.throwIfAborted();
        if (side) lc.update({ side, ranges: [], homingOffsets: undefined, file: undefined });
        results.push(await calibrateArm(arm, config, side, lc));
      }
      return pair ? { left: results[0]!, right: results[1]! } : results[0]!;
    },
  });
  lc.watchArms(arms.map(({ arm }) => arm));
  return lc.process;
}

/** Connect an arm as calibrate needs it: no calibration required, nothing configured. */
function connectUncalibrated(arm: SOArmConfig, options: ConnectArmOptions, config: CalibrateConfig): Promise<SOArm> {
  return SOArm.connect(arm, { ...options, requireCalibration: false, ...(config.log ? { log: config.log } : {}), ...(config.env ? { env: config.env } : {}) });
}

/** The calibration procedure on one connected arm (of a pair: `side`); a stop ends its waits at once. */
async function calibrateArm(
  arm: SOArm, config: CalibrateConfig, side: Side | undefined, lc: Lifecycle<CalibrationState, CalibrationResult | BimanualCalibrationResult | Stopped>,
): Promise<CalibrationResult> {
  const { update, signal } = lc;
  const prompt = (p: CalibrationPrompt) => unlessAborted(config.prompt(side ? { ...p, side } : p), signal);
  // Written where connect looks: the calibration_dir given, else the current folder name (so_follower, ...).
  const file = arm.config.calibrationDir !== undefined ? calibrationFileIn(arm.config.calibrationDir, arm.config.id!) :
    calibrationPath(arm.armType.kind, arm.armType.calibrationNames[0]!, arm.config.id!, config.env);

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
    answer.catch(() => {}); // a stop rejects it; awaited below
    // Sample until Enter (and, on the simulator, until its hand has finished the sweep).
    const clock = new PacedClock(1000 / (config.samplePeriodMs ?? 20), signal);
    clock.start();
    while (!(enterPressed && (!hand || hand.progress.sweepDone)) && (await clock.waitForSlot())) {
      const raw = await arm.readRaw(5);
      for (const m of tracked) {
        min[m] = Math.min(min[m]!, raw[m]!);
        max[m] = Math.max(max[m]!, raw[m]!);
      }
      const rows = SO_MOTOR_NAMES.map((m) => ({ motor: m, min: min[m]!, position: raw[m]!, max: max[m]! }));
      lc.state.ranges = rows;
      config.onRangesUpdate?.(rows);
      clock.endTick();
    }
    await answer;
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
      await sleep(50, signal);
      const now = JSON.stringify(await arm.readRaw(5));
      if (now === last) return;
      last = now;
    }
  };

  const existing = arm.calibrationSource && arm.calibrationSource !== "simulator" ? arm.calibration : undefined;
  if (existing) {
    update({ phase: "existing-file" });
    const answer = await prompt({ phase: "existing-file", message: `Press ENTER to use the calibration file of '${arm.config.id}' (${arm.calibrationSource}), or type 'c' and press ENTER to run calibration: ` });
    if (answer.trim().toLowerCase() !== "c") {
      await arm.writeCalibration(existing);
      lc.state.file = arm.calibrationSource!;
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
  // The last point a stop is heeded: from here the file and the motors agree.
  signal.throwIfAborted();
  update({ phase: "saving" });
  await arm.writeCalibration(calibration);
  writeCalibrationFile(file, calibration);
  lc.state.file = file;
  return { calibration, file, keptExistingFile: false };
}
