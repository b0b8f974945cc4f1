/**
 * `lerobot-ts calibrate --robot.type=so101_follower --robot.port=/dev/ttyACM0 --robot.id=my_arm`
 * (or `--teleop.*` for a leader): LeRobot's calibration procedure with its prompts and a live
 * MIN / POS / MAX table; answers come from stdin, so a script can drive it. A bimanual pair
 * (bi_so_follower / bi_so_leader) is calibrated left arm first, then right.
 */
import type { Command } from "commander";
import { checkArmType } from "../../hardware/index.js";
import { calibrate, isStopped } from "../../processes/index.js";
import type { CalibrationResult, RangeRow } from "../../processes/index.js";
import { addArmOptions, armConfigFromFlags } from "../arm-flags.js";
import { UsageError } from "../errors.js";
import { LineReader } from "../line-reader.js";

export function registerCalibrate(program: Command): void {
  const command = program
    .command("calibrate")
    .description("calibrate an SO-100/SO-101 arm as LeRobot does and save its calibration file");
  addArmOptions(command, "robot", "follower arm");
  addArmOptions(command, "teleop", "leader arm");
  command.action(async (flags: Record<string, unknown>) => {
    const robot = armConfigFromFlags(flags, "robot");
    const teleop = armConfigFromFlags(flags, "teleop");
    if (!robot === !teleop) throw new UsageError("give either --robot.type/port/id (a follower) or --teleop.type/port/id (a leader), not both");
    const arm = (robot ?? teleop)!;
    try {
      checkArmType(arm.type, robot ? "follower" : "leader");
    } catch (error) {
      throw new UsageError((error as Error).message);
    }
    const out = process.stdout;
    const live = out.isTTY ? liveTable(out) : undefined;
    const reader = new LineReader();
    try {
      const job = await calibrate({
        arm,
        prompt: async ({ message }) => {
          live?.reset();
          return reader.ask(`${message}${message.endsWith(" ") ? "" : "\n"}`);
        },
        ...(live ? { onRangesUpdate: live.draw } : {}),
        // Without a live table, each arm's final MIN / POS / MAX table once its ranges are recorded
        // (not the update that moves a pair on to its right arm, still "saving" with no ranges yet).
        ...(live ? {} : { onStateUpdate: (state) => { if (state.phase === "saving" && state.ranges.length > 0) out.write(formatRanges(state.ranges)); } }),
        log: (line) => out.write(`${line}\n`),
      });
      job.start();
      const result = await job.result;
      // Nothing stops it here; a stopped run saved nothing to report.
      if (isStopped(result)) return;
      const said = (r: CalibrationResult) => (r.keptExistingFile ? `Calibration from ${r.file} written to the motors.` : `Calibration saved to ${r.file}`);
      if ("left" in result) out.write(`left arm: ${said(result.left)}\nright arm: ${said(result.right)}\n`);
      else out.write(`${said(result)}\n`);
    } finally {
      reader.close();
    }
  });
}

function formatRanges(rows: RangeRow[]): string {
  const lines = [`${"NAME".padEnd(15)} | ${"MIN".padStart(6)} | ${"POS".padStart(6)} | ${"MAX".padStart(6)}`];
  for (const r of rows) lines.push(`${r.motor.padEnd(15)} | ${String(r.min).padStart(6)} | ${String(r.position).padStart(6)} | ${String(r.max).padStart(6)}`);
  return `${lines.join("\n")}\n`;
}

/** The MIN / POS / MAX table redrawn in place on a terminal, about 10 times a second. */
function liveTable(out: NodeJS.WriteStream): { draw: (rows: RangeRow[]) => void; reset: () => void } {
  let drawn = 0;
  let last = 0;
  return {
    draw: (rows) => {
      const now = Date.now();
      if (now - last < 100) return;
      last = now;
      if (drawn > 0) out.write(`\x1b[${drawn}A`);
      const text = formatRanges(rows);
      out.write(text.split("\n").map((l) => `\x1b[2K${l}`).join("\n"));
      drawn = rows.length + 1;
    },
    reset: () => {
      drawn = 0;
    },
  };
}
