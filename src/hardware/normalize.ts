/**
 * LeRobot's units for motor positions: raw encoder steps <-> degrees (body joints, LeRobot's
 * default since v0.4.4), -100..100 (body joints in range mode) or 0..100 (the gripper always).
 * Same formulas as LeRobot's MotorsBus._normalize / _unnormalize, truncation included.
 */
import type { MotorCalibration } from "./calibration.js";

/** LeRobot's MotorNormMode: DEGREES, RANGE_M100_100 (body joints, use_degrees=false) or RANGE_0_100 (the gripper). */
export type NormMode = "degrees" | "range_m100_100" | "range_0_100";

/** Encoder steps of an STS3215 minus one, as LeRobot's formulas use it. */
const MAX_RES = 4095;

function checkRange(name: string, cal: MotorCalibration): void {
  if (cal.range_max === cal.range_min) throw new Error(`invalid calibration for motor '${name}': range_min and range_max are both ${cal.range_min}`);
}

/**
 * Raw encoder steps -> LeRobot units for `mode` (MotorsBus._normalize): range modes clamp to the
 * calibrated range and honour drive_mode; degrees are relative to the range's middle.
 * @throws Error when the calibration's range_min equals range_max.
 */
export function normalizePosition(name: string, raw: number, cal: MotorCalibration, mode: NormMode): number {
  checkRange(name, cal);
  const { range_min: min, range_max: max } = cal;
  const bounded = Math.min(max, Math.max(min, raw));
  const reverse = cal.drive_mode !== 0;
  switch (mode) {
    case "range_m100_100": {
      const norm = ((bounded - min) / (max - min)) * 200 - 100;
      return reverse ? -norm : norm;
    }
    case "range_0_100": {
      const norm = ((bounded - min) / (max - min)) * 100;
      return reverse ? 100 - norm : norm;
    }
    case "degrees":
      return ((raw - (min + max) / 2) * 360) / MAX_RES;
  }
}

/**
 * LeRobot units -> raw encoder steps, truncated (MotorsBus._unnormalize); range modes clamp the value first.
 * @throws Error when the calibration's range_min equals range_max.
 */
export function unnormalizePosition(name: string, value: number, cal: MotorCalibration, mode: NormMode): number {
  checkRange(name, cal);
  const { range_min: min, range_max: max } = cal;
  const reverse = cal.drive_mode !== 0;
  switch (mode) {
    case "range_m100_100": {
      const v = Math.min(100, Math.max(-100, reverse ? -value : value));
      return Math.trunc(((v + 100) / 200) * (max - min) + min);
    }
    case "range_0_100": {
      const v = Math.min(100, Math.max(0, reverse ? 100 - value : value));
      return Math.trunc((v / 100) * (max - min) + min);
    }
    case "degrees":
      return Math.trunc((value * MAX_RES) / 360 + (min + max) / 2);
  }
}
