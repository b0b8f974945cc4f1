export { FindPortError, UNPLUG_PROMPT, findPort } from "./find-port.js";
export type { FindPortConfig, FindPortProcess, FindPortResult, FindPortState } from "./find-port.js";
export { calibrate, CalibrationError } from "./calibrate.js";
export type { CalibrateConfig, CalibrationState, CalibrationResult, CalibrationPrompt, CalibrationPhase, RangeRow } from "./calibrate.js";
export { teleoperate } from "./teleoperate.js";
export type { TeleoperateConfig, TeleoperationState, TeleoperationTick, TeleoperationResult } from "./teleoperate.js";
export type { HardwareProcess } from "./process.js";
