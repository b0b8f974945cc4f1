/**
 * `lerobot-ts replay --robot.type=so101_follower --robot.port=... --robot.id=...
 * --dataset.repo_id=... [--dataset.root=...] --dataset.episode=N [--approach_s=3] [--dry-run]`:
 * move the arm slowly to the episode's first pose, then send its actions at the dataset's fps.
 * A bi_so_follower pair (`--robot.left_arm_config.port=...`, ...) replays a bimanual dataset.
 */
import fs from "node:fs";
import type { Command } from "commander";
import { openDataset } from "../../dataset/index.js";
import { armPorts } from "../../hardware/index.js";
import { ReplayError, checkActionsFit, episodeActions, replay } from "../../processes/index.js";
import { addArmOptions, followerFromFlags } from "../arm-flags.js";
import { datasetFolder } from "../dataset-flags.js";
import { UsageError } from "../errors.js";
import { localDataset } from "../hub-dataset.js";

export function registerReplay(program: Command): void {
  const command = program.command("replay").description("replay a dataset episode's actions on a follower arm (port may be 'sim')");
  addArmOptions(command, "robot", "follower arm");
  command
    .option("--dataset.repo_id <id>", "dataset repo id")
    .option("--dataset.root <dir>", "dataset folder (default $HF_LEROBOT_HOME/<repo_id>)")
    .option("--dataset.episode <n>", "episode to replay")
    .option("--dataset.revision <rev>", "for a dataset fetched from the Hub: branch, tag or commit (default: the v3.0 tag, else main)")
    .option("--approach_s <s>", "seconds to move slowly to the episode's first pose", "3")
    .option("--dry-run", "print what would be sent, touch no hardware")
    .action(async (flags: Record<string, unknown>) => {
      const robot = followerFromFlags(flags, { bimanual: true });
      const { repoId, root } = datasetFolder(flags);
      const episode = Number(flags["dataset.episode"]);
      if (flags["dataset.episode"] === undefined || !Number.isInteger(episode) || episode < 0) {
        throw new UsageError(`--dataset.episode must be an episode number (0, 1, ...), got '${String(flags["dataset.episode"] ?? "")}'`);
      }
      // As LeRobot's replay (LeRobotDataset(repo_id, root, episodes=[episode])): fetch what the cache lacks,
      // here only that episode's data file, since replay sends actions and shows no video.
      const revision = flags["dataset.revision"] as string | undefined;
      await localDataset(repoId, { folder: root, episodes: [episode], videos: false, ...(revision !== undefined ? { revision } : {}) });
      if (!fs.existsSync(root)) throw new UsageError(`no dataset at ${root} (give --dataset.root, or record it first)`);
      const approachS = Number(flags.approach_s);
      if (!(approachS >= 0)) throw new UsageError(`--approach_s must be a number of seconds >= 0, got '${String(flags.approach_s)}'`);
      const dataset = await openDataset(root);
      let actions;
      try {
        actions = await episodeActions(dataset, episode);
        checkActionsFit(actions, robot);
      } catch (error) {
        if (error instanceof ReplayError) throw new UsageError(error.message);
        throw error;
      }
      const out = process.stdout;
      if (flags.dryRun) {
        out.write(`dry run: ${robot.type} on ${armPorts(robot).join(" + ")} would move to the first pose over ${approachS} s, then get ${actions.rows.length} actions at ${actions.fps} fps:\n`);
        out.write(`${["frame", ...actions.names].join("\t")}\n`);
        actions.rows.forEach((row, k) => out.write(`${[k, ...row.map((v) => v.toFixed(3))].join("\t")}\n`));
        return;
      }
      const job = await replay({ robot, actions, approachS, log: (line) => out.write(`${line}\n`) });
      const onSignal = () => job.stop();
      process.once("SIGINT", onSignal);
      out.write(`replaying episode ${episode} of ${root} (${actions.rows.length} frames at ${actions.fps} fps) after a ${approachS} s approach; Ctrl-C stops\n`);
      try {
        job.start();
        const result = await job.result;
        out.write(`replayed ${result.frames} frames in ${result.durationS.toFixed(2)} s; tick lateness p99 ${result.latenessMs.p99.toFixed(2)} ms\n`);
      } finally {
        process.off("SIGINT", onSignal);
      }
    });
}
