/**
 * The lerobot-ts command line: a thin layer over the library. Each command lives in
 * commands/<name>.ts; this file wires them and turns errors into exit codes.
 */
import { createRequire } from "node:module";
import { Command, CommanderError } from "commander";
import { registerConvert } from "./commands/convert.js";
import { registerEdit } from "./commands/edit.js";
import { registerFindCameras } from "./commands/find-cameras.js";
import { registerFindPort } from "./commands/find-port.js";
import { registerInspect } from "./commands/inspect.js";
import { registerPush } from "./commands/push.js";
import { registerCalibrate } from "./commands/calibrate.js";
import { registerCalibrateTest } from "./commands/calibrate-test.js";
import { registerSynthesize } from "./commands/synthesize.js";
import { registerRecord } from "./commands/record.js";
import { registerRepair } from "./commands/repair.js";
import { registerReplay } from "./commands/replay.js";
import { registerTeleoperate } from "./commands/teleoperate.js";
import { registerVerify } from "./commands/verify.js";
import { registerView } from "./commands/view.js";
import { EXIT_USAGE, QuietExit, reportError } from "./errors.js";

const { version } = createRequire(import.meta.url)("../../package.json") as { version: string };

export function buildProgram(): Command {
  const program = new Command();
  program
    .name("lerobot-ts")
    .description("Record, write, verify, inspect, view and replay LeRobot v3.0 datasets, without Python.")
    .version(version)
    .showHelpAfterError("(run with --help for usage)")
    .exitOverride();
  registerSynthesize(program);
  registerVerify(program);
  registerInspect(program);
  registerEdit(program);
  registerConvert(program);
  registerRepair(program);
  registerCalibrate(program);
  registerTeleoperate(program);
  registerRecord(program);
  registerReplay(program);
  registerCalibrateTest(program);
  registerView(program);
  registerPush(program);
  registerFindPort(program);
  registerFindCameras(program);
  for (const command of program.commands) command.exitOverride();
  return program;
}

export async function main(argv: string[]): Promise<number> {
  const program = buildProgram();
  try {
    await program.parseAsync(argv, { from: "user" });
    return 0;
  } catch (error) {
    if (error instanceof QuietExit) return error.code;
    if (error instanceof CommanderError) {
      // Commander already printed help or the usage problem.
      return error.exitCode === 0 ? 0 : EXIT_USAGE;
    }
    return reportError(error);
  }
}
