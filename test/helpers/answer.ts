/** The answer of a process that was not stopped (calibrate, calibrateTest, findPort). */
import { isStopped } from "../../src/processes/process.js";
import type { Stopped } from "../../src/processes/process.js";

export function answer<T>(result: T | Stopped): T {
  if (isStopped(result)) throw new Error("the process was stopped: it has no answer");
  return result;
}
