/**
 * `lerobot-ts calibrate-test --robot.* --dataset.repo_id=... [--dataset.root=...]
 * [--dataset.test_episodes=0,1,2] [--dataset.skip_record=true] [--tolerance_deg=5] [--json]`:
 * replay recorded trajectories and report, per joint, how far the arm ended from where it went
 * when recorded. Exit 0 within tolerance, 1 outside, 2 usage.
 */
import type { Command } from "commander";
import { CalibrationTestError, calibrateTest, isStopped } from "../../processes/index.js";
import type { CalibrationTestResult } from "../../processes/index.js";
import { addArmOptions, followerFromFlags } from "../arm-flags.js";
import { datasetFolder } from "../dataset-flags.js";
import { EXIT_INVALID, QuietExit, UsageError } from "../errors.js";
import { parseBoolFlag } from "../flags.js";

export function registerCalibrateTest(program: Command): void {
  const command = program.command("calibrate-test").description("test an arm's calibration: replay recorded trajectories and measure what the arm did");
  addArmOptions(command, "robot", "follower arm");
  command
    .option("--dataset.repo_id <id>", "dataset repo id of the test trajectories")
    .option("--dataset.root <dir>", "dataset folder (default $HF_LEROBOT_HOME/<repo_id>)")
    .option("--dataset.test_episodes <list>", "episodes to test, e.g. 0,1,2", "0")
    .option("--dataset.skip_record <bool>", "test existing episodes instead of recording new ones with the built-in motion", "false")
    .option("--tolerance_deg <deg>", "largest error a joint may show", "5")
    .option("--json", "print one JSON document (schema lerobot-ts/calibrate-test@1)")
    .action(async (flags: Record<string, unknown>) => {
      const robot = followerFromFlags(flags);
      const { repoId, root } = datasetFolder(flags);
      const listText = String(flags["dataset.test_episodes"]);
      const testEpisodes = listText.split(",").map((x) => Number(x.trim()));
      if (testEpisodes.some((e) => !Number.isInteger(e) || e < 0)) throw new UsageError(`--dataset.test_episodes must be episode numbers like 0,1,2, got '${listText}'`);
      const toleranceDeg = Number(flags.tolerance_deg);
      if (!(toleranceDeg > 0)) throw new UsageError(`--tolerance_deg must be a positive number, got '${String(flags.tolerance_deg)}'`);
      const out = process.stdout;
      let job;
      try {
        job = await calibrateTest({
          robot, root, repoId, testEpisodes, toleranceDeg,
          skipRecord: parseBoolFlag("dataset.skip_record", flags["dataset.skip_record"] as string, false),
          log: (line) => { if (!flags.json) out.write(`${line}\n`); },
          onStateUpdate: (s) => { if (!flags.json && (s.phase === "recording" || s.phase === "testing") && s.frame === 0 && s.episode !== undefined) out.write(`${s.phase} episode ${s.episode ?? ""}\n`); },
        });
      } catch (error) {
        if (error instanceof CalibrationTestError) throw new UsageError(error.message);
        throw error;
      }
      job.start();
      const result = await job.result;
      // Nothing stops it here; a stopped run has no verdict.
      if (isStopped(result)) return;
      out.write(flags.json ? `${JSON.stringify({ schema: "lerobot-ts/calibrate-test@1", ...result }, null, 2)}\n` : formatResult(result));
      if (!result.pass) throw new QuietExit(EXIT_INVALID);
    });
}

function formatResult(result: CalibrationTestResult): string {
  const lines: string[] = [];
  for (const e of result.episodes) {
    lines.push(`episode ${e.episode} (${e.frames} frames)`);
    lines.push(`  ${"joint".padEnd(14)} ${"mean°".padStart(7)} ${"max°".padStart(7)} ${"rms°".padStart(7)} ${"max steps".padStart(9)} ${"worst frame".padStart(11)}  verdict`);
    for (const j of e.joints) {
      lines.push(`  ${j.joint.padEnd(14)} ${j.meanDeg.toFixed(2).padStart(7)} ${j.maxDeg.toFixed(2).padStart(7)} ${j.rmsDeg.toFixed(2).padStart(7)} ${j.maxSteps.toFixed(0).padStart(9)} ${String(j.worstFrame).padStart(11)}  ${j.pass ? "ok" : "FAIL"}`);
    }
  }
  lines.push(result.pass
    ? `PASS: every joint within ${result.toleranceDeg}°`
    : `FAIL: ${result.failedJoints.join(", ")} beyond ${result.toleranceDeg}° (check ${result.failedJoints.length === 1 ? "its" : "their"} calibration: lerobot-ts calibrate)`);
  return `${lines.join("\n")}\n`;
}
