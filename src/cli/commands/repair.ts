/**
 * `lerobot-ts repair <path | repo_id>`: fix in place what verify finds and can be fixed without
 * guessing, and say what changed and what could not be. Exit 0 when the dataset has no errors
 * afterwards, 1 when errors remain, 2 usage error, no dataset there, or a recording writing it.
 */
import type { Command } from "commander";
import { DatasetBusyError, formatRepairReport, repairDataset } from "../../edit/index.js";
import type { RepairProgress } from "../../edit/index.js";
import { NoDatasetError } from "../../verify/index.js";
import { EXIT_INVALID, QuietExit, UsageError } from "../errors.js";
import { delayedProgress } from "../delayed-progress.js";

interface RepairFlags {
  root?: string;
  removeUnreferenced?: boolean;
  dryRun?: boolean;
  deep?: boolean;
  json?: boolean;
}

export function registerRepair(program: Command): void {
  program
    .command("repair")
    .description("fix in place what verify finds and can be fixed without guessing (crashed-save leftovers, stats.json, mp4 edit lists)")
    .argument("<dataset>", "dataset folder, or a repo id (resolved like LeRobot: --root/<repo_id> or $HF_LEROBOT_HOME/<repo_id>)")
    .option("--root <dir>", "parent folder of the repo id (LeRobot's --root)")
    .option("--remove-unreferenced", "delete files nothing in the dataset refers to (otherwise only reported)")
    .option("--dry-run", "say what would be changed, change nothing")
    .option("--deep", "verify with --deep before and after (decode every video frame)")
    .option("--json", "print one JSON document (schema lerobot-ts/repair@1)")
    .action(async (dataset: string, flags: RepairFlags) => {
      const progress = delayedProgress({ atEnd: "clear" });
      let report;
      try {
        report = await repairDataset(dataset, {
          ...(flags.root !== undefined ? { root: flags.root } : {}),
          removeUnreferenced: !!flags.removeUnreferenced,
          dryRun: !!flags.dryRun,
          deep: !!flags.deep,
          onProgress: ({ phase, done, total }: RepairProgress) => progress.update(`repair: ${phase}${total > 1 ? ` ${done}/${total}` : ""}`),
        });
      } catch (error) {
        if (error instanceof NoDatasetError || error instanceof DatasetBusyError) throw new UsageError(error.message);
        throw error;
      } finally {
        progress.done();
      }
      process.stdout.write(flags.json ? `${JSON.stringify(report, null, 2)}\n` : formatRepairReport(report));
      if (!report.valid) throw new QuietExit(EXIT_INVALID);
    });
}

