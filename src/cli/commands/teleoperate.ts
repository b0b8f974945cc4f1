/**
 * `lerobot-ts teleoperate --robot.type=so101_follower --robot.port=... --robot.id=...
 * --teleop.type=so101_leader --teleop.port=... --teleop.id=... [--fps=60] [--teleop_time_s=N]
 * [--display_data=true]`: the follower follows the leader until Ctrl-C or teleop_time_s. LeRobot's
 * --display_mode / --display_ip / --display_port / --display_compressed_images are accepted (no effect).
 */
import type { Command } from "commander";
import type { TeleoperationTick } from "../../processes/index.js";
import { teleoperate } from "../../processes/index.js";
import { armPorts, isSimulatedPort } from "../../hardware/index.js";
import { addArmOptions, addBimanualCameraOptions, armConfigFromFlags, cameraConfigsFromFlags } from "../arm-flags.js";
import { UsageError } from "../errors.js";
import { parseBoolFlag, parseIntFlag } from "../flags.js";
import { LineReader, confirmWithReader } from "../line-reader.js";
import { DISPLAY_NO_EFFECT_FLAGS, addNoEffectOptions, noEffectNotes } from "../no-effect.js";

export function registerTeleoperate(program: Command): void {
  const command = program
    .command("teleoperate")
    .description("move a follower arm with a leader arm (both may be --*.port=sim)");
  addArmOptions(command, "robot", "follower arm");
  addArmOptions(command, "teleop", "leader arm");
  addBimanualCameraOptions(command);
  command
    .option("--robot.cameras <json>", "cameras (accepted for LeRobot command lines; teleoperate does not show them yet)")
    .option("--fps <n>", "loop rate, Hz", "60")
    .option("--teleop_time_s <s>", "stop after this many seconds")
    .option("--display_data <bool>", "show a live table of joint values and the loop rate", "false");
  addNoEffectOptions(command, DISPLAY_NO_EFFECT_FLAGS);
  command
    .action(async (flags: Record<string, unknown>) => {
      const robot = armConfigFromFlags(flags, "robot");
      const teleop = armConfigFromFlags(flags, "teleop");
      if (!robot) throw new UsageError("--robot.type, --robot.port and --robot.id are required (the follower arm)");
      if (!teleop) throw new UsageError("--teleop.type, --teleop.port and --teleop.id are required (the leader arm)");
      const fps = parseIntFlag("fps", String(flags.fps), 1);
      const time = flags.teleop_time_s === undefined ? undefined : Number(flags.teleop_time_s);
      if (time !== undefined && !(time > 0)) throw new UsageError(`--teleop_time_s must be a positive number of seconds, got '${String(flags.teleop_time_s)}'`);
      const display = parseBoolFlag("display_data", flags.display_data as string, false);
      const notes = noEffectNotes(flags, DISPLAY_NO_EFFECT_FLAGS);
      const out = process.stdout;
      for (const note of notes) out.write(`${note}\n`);
      // Checked as record checks them (names, a bimanual pair's prefixes), then only noted.
      if (Object.keys(cameraConfigsFromFlags(flags, robot)).length > 0) out.write("note: --robot.cameras is accepted but teleoperate does not show cameras yet\n");
      const view = display ? liveView(out) : undefined;
      const reader = process.stdin.isTTY ? new LineReader() : undefined;
      const ask = reader ? { confirmWriteCalibration: confirmWithReader(reader) } : {};
      const job = await teleoperate({
        robot, teleop, fps, readFollower: display,
        ...(time !== undefined ? { durationS: time } : {}),
        ...(view ? { onTick: view } : {}),
        log: (line) => out.write(`${line}\n`),
        // Only a person at a terminal is asked; a script, and every simulated arm, gets the file's values.
        connect: { robot: armPorts(robot).every(isSimulatedPort) ? {} : ask, teleop: armPorts(teleop).every(isSimulatedPort) ? {} : ask },
      }).finally(() => reader?.close());
      const onSignal = () => job.stop();
      process.once("SIGINT", onSignal);
      process.once("SIGTERM", onSignal);
      out.write(`teleoperating at ${fps} Hz${time ? ` for ${time} s` : ""}; Ctrl-C stops\n`);
      try {
        job.start();
        const result = await job.result;
        out.write(`${result.ticks} ticks in ${result.durationS.toFixed(1)} s: ${result.rateHz.toFixed(1)} Hz; tick lateness p50 ${result.latenessMs.p50.toFixed(2)} ms, p99 ${result.latenessMs.p99.toFixed(2)} ms\n`);
      } finally {
        process.off("SIGINT", onSignal);
        process.off("SIGTERM", onSignal);
      }
    });
}

/** A table of leader (action) and follower (observation) joints, redrawn about 10 times a second. */
function liveView(out: NodeJS.WriteStream): (tick: TeleoperationTick) => void {
  let last = 0;
  let drawn = 0;
  let ticks: number[] = [];
  return (tick) => {
    const now = Date.now();
    ticks.push(now);
    ticks = ticks.filter((t) => t > now - 1000);
    if (now - last < 100) return;
    last = now;
    const width = Math.max(18, ...Object.keys(tick.action).map((k) => k.length));
    const lines = [`${"JOINT".padEnd(width)} ${"ACTION".padStart(9)} ${"FOLLOWER".padStart(9)}`];
    for (const [key, value] of Object.entries(tick.action)) {
      lines.push(`${key.padEnd(width)} ${value.toFixed(2).padStart(9)} ${(tick.observation?.[key] ?? NaN).toFixed(2).padStart(9)}`);
    }
    lines.push(`loop ${ticks.length} Hz, t = ${tick.timeS.toFixed(1)} s`);
    if (drawn > 0 && out.isTTY) out.write(`\x1b[${drawn}A`);
    out.write(`${lines.map((l) => (out.isTTY ? `\x1b[2K${l}` : l)).join("\n")}\n`);
    drawn = lines.length;
  };
}
