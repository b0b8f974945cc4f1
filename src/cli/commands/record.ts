/**
 * `lerobot-ts record`: LeRobot's `lerobot-record` command line, recording a LeRobot v3.0 dataset
 * from a follower, a leader and cameras. Everything a flag can get wrong is checked before any
 * hardware is touched; the dataset is then created (or resumed), the arms and cameras connected,
 * and the record process run with keyboard control. At the end the dataset is verified.
 */
import fs from "node:fs";
import path from "node:path";
import type { Command } from "commander";
import { lerobotHome, parseInfo, ThreadedDatasetWriter } from "../../dataset/index.js";
import { PushError, hubConfig, isRepoId, loginHint, pushDataset } from "../../hub/index.js";
import type { VideoEncoderSettings } from "../../dataset/index.js";
import type { Camera, CameraConfig } from "../../hardware/index.js";
import { openCamera, checkArmsMatch, armPositionNames, lerobotRobotName, sameRobotType } from "../../hardware/index.js";
import type { EpisodeTiming, RecordProcess, RecordState } from "../../processes/index.js";
import { record, recordFeatures } from "../../processes/index.js";
import { verifyDataset } from "../../verify/index.js";
import { addArmOptions, addBimanualCameraOptions, armConfigFromFlags, cameraConfigsFromFlags } from "../arm-flags.js";
import { encoderSettingsFromFlags } from "../encoder-flags.js";
import { UsageError } from "../errors.js";
import { parseBoolFlag, parseIntFlag } from "../flags.js";
import { keyboardControl } from "../keyboard.js";
import { pushProgress } from "../hub-progress.js";
import { DISPLAY_NO_EFFECT_FLAGS, RECORD_NO_EFFECT_FLAGS, addNoEffectOptions, noEffectNotes, parseStringList } from "../no-effect.js";
import { recordView } from "../record-view.js";
import { SPEECH_PROGRAMS, findSpeechProgram, speaker } from "../speech.js";

export function registerRecord(program: Command): void {
  const command = program.command("record").description("record a LeRobot v3.0 dataset from a follower arm, a leader arm and cameras (ports may be 'sim')");
  addArmOptions(command, "robot", "follower arm");
  addArmOptions(command, "teleop", "leader arm");
  addBimanualCameraOptions(command);
  command
    .option("--robot.cameras <json>", "cameras as LeRobot's JSON: '{\"front\": {\"type\": \"opencv\", \"index_or_path\": 0, \"width\": 640, \"height\": 480, \"fps\": 30}}' (type synthetic: no hardware)")
    .option("--dataset.repo_id <id>", "dataset repo id, e.g. me/pick_cube")
    .option("--dataset.single_task <text>", "the task of every episode, e.g. 'Pick the cube'")
    .option("--dataset.root <dir>", "dataset folder (default $HF_LEROBOT_HOME/<repo_id>)")
    .option("--dataset.fps <n>", "frames per second", "30")
    .option("--dataset.episode_time_s <s>", "seconds per episode", "60")
    .option("--dataset.reset_time_s <s>", "seconds of reset between episodes", "60")
    .option("--dataset.num_episodes <n>", "episodes to record (with --resume: episodes to add)", "50")
    .option("--dataset.video <bool>", "cameras as mp4 videos (true) or PNG images in the parquet (false)", "true")
    .option("--dataset.vcodec <codec>", "the same as --dataset.rgb_encoder.vcodec (kept from earlier lerobot-ts)")
    .option("--dataset.encoder_threads <n>", "threads per video encoder (default: the codec's own)")
    .option("--dataset.rgb_encoder.vcodec <codec>", "video codec (h264, hevc, libsvtav1, libaom-av1, auto; libx264/libx265 also accepted)")
    .option("--dataset.rgb_encoder.g <n>", "GOP size, default 2")
    .option("--dataset.rgb_encoder.crf <n>", "quality, lower is better")
    .option("--dataset.rgb_encoder.preset <preset>", "encoder preset")
    .option("--dataset.rgb_encoder.pix_fmt <fmt>", "pixel format, default yuv420p")
    .option("--dataset.rgb_encoder.fast_decode <n>", "fast-decode tuning, 0 disables")
    .option("--dataset.rgb_encoder.extra_options <json>", "JSON of extra codec options")
    .option("--dataset.no_stamp <bool>", "keep --dataset.repo_id as given instead of appending _YYYYMMDD_HHMMSS (new datasets only)", "false")
    .option("--dataset.push_to_hub <bool>", "upload to the Hugging Face Hub when done, as LeRobot (default true; needs a token: `hf auth login` or HF_TOKEN)")
    .option("--dataset.private <bool>", "create the Hub repo private (default: the Hub's default)")
    .option("--dataset.tags <list>", "Hub card tags after LeRobot, e.g. '[\"so101\",\"tutorial\"]'")
    .option("--resume <bool>", "add episodes to an existing dataset", "false")
    .option("--display_data <bool>", "show a live view (phase, episode, frames, loop rate, late frames, joints)", "false")
    .option("--play_sounds <bool>", "speak phase changes when a speech program (spd-say, espeak, say) exists", "true");
  addNoEffectOptions(command, [...RECORD_NO_EFFECT_FLAGS, ...DISPLAY_NO_EFFECT_FLAGS]);
  command
    .action(async (flags: Record<string, string | undefined>) => {
      const plan = planRecording(flags);
      const out = process.stdout;
      for (const note of plan.notes) out.write(`${note}\n`);
      const speechProgram = plan.playSounds ? findSpeechProgram() : undefined;
      if (plan.playSounds && !speechProgram) out.write(`note: --play_sounds: no speech program (${SPEECH_PROGRAMS.join(", ")}) found, phases are only printed\n`);
      const say = speechProgram ? speaker(speechProgram) : () => {};
      // The writer works on its own thread, so its saves and encoders never delay the clock's ticks.
      const writer = plan.resume ? await ThreadedDatasetWriter.resume(plan.root, { encoder: plan.encoder }) : await ThreadedDatasetWriter.create({
        root: plan.root, repoId: plan.repoId, fps: plan.fps, robotType: lerobotRobotName(plan.robot.type), features: recordFeatures(plan.cameraConfigs, armPositionNames(plan.robot.type)),
        useVideos: plan.video, encoder: plan.encoder,
      });
      const episodesBefore = writer.numEpisodes;
      const cameras: Record<string, Camera> = Object.fromEntries(Object.entries(plan.cameraConfigs).map(([name, c]) => [name, openCamera(name, c)]));
      const view = plan.display ? recordView(out, Object.keys(cameras)) : undefined;
      let job: RecordProcess;
      try {
        job = await record({
          robot: plan.robot, teleop: plan.teleop, cameras, sink: writer,
          dataset: { fps: plan.fps, singleTask: plan.task, episodeTimeS: plan.episodeTimeS, resetTimeS: plan.resetTimeS, numEpisodes: plan.numEpisodes },
          log: (line) => out.write(`${line}\n`),
          onStateUpdate: (state) => {
            view?.state(state);
            announce(state, say, out, !view);
          },
          ...(view ? { onTick: view.tick } : {}),
        });
      } catch (error) {
        await writer.finalize().catch(() => {});
        // Nothing was recorded: leave no half-made dataset behind that would need --resume.
        if (!plan.resume && writer.numEpisodes === 0) fs.rmSync(plan.root, { recursive: true, force: true });
        throw error;
      }
      const keys = keyboardControl({ next: () => job.endEpisode(), rerecord: () => job.rerecordEpisode(), stop: () => job.stop() });
      const onSignal = () => job.stop();
      process.once("SIGINT", onSignal);
      process.once("SIGTERM", onSignal);
      out.write(`recording ${plan.numEpisodes} episode(s) of ${plan.episodeTimeS} s as ${plan.repoId} into ${plan.root}` +
        `${keys.active ? " (right arrow / n: next, left arrow / r: re-record, Esc / q: stop)" : ""}\n`);
      try {
        job.start();
        const result = await job.result.catch((error: unknown) => {
          const saved = writer.numEpisodes - episodesBefore;
          throw new Error(`recording stopped: ${(error as Error).message}; ${saved} episode(s) of this run are saved in ${plan.root}` +
            `${writer.numEpisodes > 0 ? "; add more with --resume=true" : ""}`);
        });
        view?.close();
        const late = Object.entries(result.lateFrames).map(([name, n]) => `${name} ${n}`).join(", ") || "no cameras";
        const pauses = result.savePausesMs.slice(0, -1);
        out.write(`saved ${result.episodesSaved} episode(s), ${result.framesSaved} frames` +
          `${result.rerecorded ? `, ${result.rerecorded} take(s) re-recorded` : ""}; overruns ${result.overruns}; late frames: ${late}; ` +
          `tick lateness p99 ${result.latenessMs.p99.toFixed(2)} ms${pauses.length ? `; longest pause for saving ${Math.max(...pauses).toFixed(0)} ms` : ""}\n`);
        for (const e of result.episodes) out.write(`${formatEpisodeTiming(e)}\n`);
        const report = await verifyDataset(plan.root);
        out.write(`verify: ${report.valid ? "VALID" : "INVALID"} (${report.summary.errors} errors, ${report.summary.warnings} warnings${report.findings.length ? `: ${[...new Set(report.findings.map((f) => f.check))].join(", ")}` : ""})\n`);
      } finally {
        keys.close();
        view?.close();
        process.off("SIGINT", onSignal);
        process.off("SIGTERM", onSignal);
      }
      // As lerobot_record.py: push once the dataset is finalized, and only if it holds episodes.
      if (plan.push) await pushRecording(plan, writer.numEpisodes, out);
    });
}

/** Push the finished recording; a failure leaves the local dataset as it is and says how to push it later. */
async function pushRecording(plan: RecordingPlan, episodes: number, out: NodeJS.WritableStream): Promise<void> {
  if (episodes === 0) {
    out.write("no episodes saved: nothing to push to the Hub\n");
    return;
  }
  const progress = pushProgress();
  try {
    const result = await pushDataset(plan.root, {
      repoId: plan.repoId, ...(plan.pushPrivate === undefined ? {} : { private: plan.pushPrivate }), ...(plan.pushTags ? { tags: plan.pushTags } : {}),
      onProgress: progress.update,
    });
    progress.done();
    out.write(`pushed to ${result.url} (tag ${result.tag})\n`);
  } catch (error) {
    progress.done();
    const reason = (error as Error).message.replace(/; run `lerobot-ts push .*$/, "");
    // Exit 1 whatever the reason: the recording is done, only its upload is missing.
    throw new PushError(`the dataset is complete in ${plan.root} but was not pushed (${reason}); push it later with \`lerobot-ts push ${plan.root} --repo-id ${plan.repoId}\``, { cause: error });
  }
}

interface RecordingPlan {
  robot: NonNullable<ReturnType<typeof armConfigFromFlags>>;
  teleop: NonNullable<ReturnType<typeof armConfigFromFlags>>;
  cameraConfigs: Record<string, CameraConfig>;
  repoId: string;
  root: string;
  task: string;
  fps: number;
  episodeTimeS: number;
  resetTimeS: number;
  numEpisodes: number;
  video: boolean;
  encoder: VideoEncoderSettings;
  resume: boolean;
  display: boolean;
  playSounds: boolean;
  /** Push to the Hub when done (--dataset.push_to_hub, LeRobot's default true). */
  push: boolean;
  pushPrivate: boolean | undefined;
  pushTags: string[] | undefined;
  /** One line per accepted LeRobot flag that does nothing here. */
  notes: string[];
}

/**
 * The repo id of a new dataset, as LeRobot v0.6 makes it when creating (never on resume): a name
 * starting with `eval_` is refused (scripts/lerobot_record.py record()), and `_YYYYMMDD_HHMMSS`
 * in local time is appended unless no_stamp (configs/dataset.py DatasetRecordConfig.stamp_repo_id).
 */
export function newRepoId(repoId: string, noStamp: boolean, now = new Date()): string {
  if (repoId.slice(repoId.indexOf("/") + 1).startsWith("eval_")) {
    throw new UsageError(`--dataset.repo_id: names starting with 'eval_' are reserved for policy evaluation (as in LeRobot); record collects teleoperated data, choose another name`);
  }
  if (noStamp) return repoId;
  const two = (n: number) => String(n).padStart(2, "0");
  return `${repoId}_${now.getFullYear()}${two(now.getMonth() + 1)}${two(now.getDate())}_${two(now.getHours())}${two(now.getMinutes())}${two(now.getSeconds())}`;
}

/** Every flag checked, the dataset folder's state included, before anything is opened. */
function planRecording(flags: Record<string, string | undefined>): RecordingPlan {
  const robot = armConfigFromFlags(flags, "robot");
  const teleop = armConfigFromFlags(flags, "teleop");
  if (!robot) throw new UsageError("--robot.type and --robot.port are required (the follower arm; --robot.port=sim for the simulated one)");
  if (!teleop) throw new UsageError("--teleop.type and --teleop.port are required (the leader arm; --teleop.port=sim for the simulated one)");
  try {
    checkArmsMatch(robot, teleop);
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
  const givenRepoId = flags["dataset.repo_id"];
  if (!givenRepoId) throw new UsageError("--dataset.repo_id is required (e.g. --dataset.repo_id=me/pick_cube)");
  const task = flags["dataset.single_task"];
  if (!task) throw new UsageError("--dataset.single_task is required (e.g. --dataset.single_task='Pick the cube')");
  const cameraConfigs: Record<string, CameraConfig> = cameraConfigsFromFlags(flags, robot);
  try {
    for (const [name, c] of Object.entries(cameraConfigs)) void openCamera(name, c); // validates; starts nothing
  } catch (error) {
    throw new UsageError(`--robot.cameras: ${(error as Error).message}`);
  }
  const positive = (name: string) => {
    const v = Number(flags[name]);
    if (!(v > 0)) throw new UsageError(`--${name} must be a positive number, got '${flags[name]}'`);
    return v;
  };
  const resetTimeS = Number(flags["dataset.reset_time_s"]);
  if (!(resetTimeS >= 0)) throw new UsageError(`--dataset.reset_time_s must be a number >= 0, got '${flags["dataset.reset_time_s"]}'`);
  const fps = parseIntFlag("dataset.fps", flags["dataset.fps"]!, 1);
  for (const [name, c] of Object.entries(cameraConfigs)) {
    if (c.fps !== fps) throw new UsageError(`--robot.cameras: camera '${name}' runs at ${c.fps} fps but --dataset.fps is ${fps}; give them the same rate`);
  }
  const resume = parseBoolFlag("resume", flags.resume, false);
  const repoId = resume ? givenRepoId : newRepoId(givenRepoId, parseBoolFlag("dataset.no_stamp", flags["dataset.no_stamp"], false));
  const root = path.resolve(flags["dataset.root"] ?? path.join(lerobotHome(), repoId));
  const notes = noEffectNotes(flags, [...RECORD_NO_EFFECT_FLAGS, ...DISPLAY_NO_EFFECT_FLAGS]);
  const hub = pushPlan(flags, repoId, root, notes);
  const plan: RecordingPlan = {
    robot, teleop, cameraConfigs, repoId, root, task, fps, resetTimeS,
    episodeTimeS: positive("dataset.episode_time_s"),
    numEpisodes: parseIntFlag("dataset.num_episodes", flags["dataset.num_episodes"]!, 1),
    video: parseBoolFlag("dataset.video", flags["dataset.video"], true),
    encoder: encoderSettingsFromFlags(flags),
    resume,
    display: parseBoolFlag("display_data", flags.display_data, false),
    playSounds: parseBoolFlag("play_sounds", flags.play_sounds, true),
    ...hub,
    notes,
  };
  checkDatasetFolder(plan);
  return plan;
}

/**
 * --dataset.push_to_hub, --dataset.private, --dataset.tags. LeRobot pushes by default; without a
 * token an explicit --dataset.push_to_hub=true is refused before anything is recorded (exit 2),
 * while the default only notes that the dataset stays local, so a plain command line still records.
 */
function pushPlan(flags: Record<string, string | undefined>, repoId: string, root: string, notes: string[]): Pick<RecordingPlan, "push" | "pushPrivate" | "pushTags"> {
  const explicit = flags["dataset.push_to_hub"] !== undefined;
  const wanted = parseBoolFlag("dataset.push_to_hub", flags["dataset.push_to_hub"], true);
  const privateFlag = flags["dataset.private"];
  const pushPrivate = privateFlag === undefined || /^(null|none)$/i.test(privateFlag) ? undefined : parseBoolFlag("dataset.private", privateFlag, false);
  const pushTags = flags["dataset.tags"] === undefined ? undefined : parseStringList("dataset.tags", flags["dataset.tags"]);
  if (!wanted) return { push: false, pushPrivate, pushTags };
  const config = hubConfig();
  const problem = !isRepoId(repoId) ? `--dataset.repo_id '${repoId}' is not a Hub repo id (namespace/name)`
    : config.offline ? "HF_HUB_OFFLINE is set"
    : !config.token ? `no Hugging Face token was found: ${loginHint(config)}`
    : undefined;
  if (!problem) return { push: true, pushPrivate, pushTags };
  if (explicit) throw new UsageError(`--dataset.push_to_hub=true: ${problem} (or record locally with --dataset.push_to_hub=false)`);
  notes.push(`note: the dataset stays local (${problem}); push it later with \`lerobot-ts push ${root} --repo-id ${repoId}\`, or pass --dataset.push_to_hub=false`);
  return { push: false, pushPrivate, pushTags };
}

/** A new recording needs a new folder; --resume needs a dataset of the same robot, fps and features. */
function checkDatasetFolder(plan: RecordingPlan): void {
  const infoFile = path.join(plan.root, "meta", "info.json");
  const occupied = fs.existsSync(plan.root) && fs.readdirSync(plan.root).length > 0;
  if (!plan.resume) {
    if (occupied) throw new UsageError(`${plan.root} already exists: add episodes with --resume=true, or choose another --dataset.root / --dataset.repo_id`);
    return;
  }
  if (!fs.existsSync(infoFile)) throw new UsageError(`--resume: there is no dataset at ${plan.root} (no meta/info.json)`);
  let info;
  try {
    info = parseInfo(JSON.parse(fs.readFileSync(infoFile, "utf8")));
  } catch (error) {
    throw new UsageError(`--resume: ${infoFile}: ${(error as Error).message}`);
  }
  // LeRobot compares robot.name (control_utils.py sanity_check_dataset_robot_compatibility), which
  // so100_follower, so101_follower and so_follower share; older datasets carry the config type.
  if (!sameRobotType(info.robot_type ?? "", plan.robot.type)) throw new UsageError(`--resume: the dataset was recorded with robot type ${info.robot_type}, not ${plan.robot.type}`);
  if (info.fps !== plan.fps) throw new UsageError(`--resume: the dataset is at ${info.fps} fps, not ${plan.fps} (--dataset.fps)`);
  const wanted = recordFeatures(plan.cameraConfigs, armPositionNames(plan.robot.type));
  for (const [key, feature] of Object.entries(wanted)) {
    const have = info.features[key];
    const dtype = feature.dtype === "video" && !plan.video ? "image" : feature.dtype;
    if (!have || have.dtype !== dtype || have.shape.join("x") !== feature.shape.join("x")) {
      throw new UsageError(`--resume: feature '${key}' (${dtype} ${feature.shape.join("x")}) is not in the dataset as such${have ? ` (it has ${have.dtype} ${have.shape.join("x")})` : ""}`);
    }
  }
  const extra = Object.keys(info.features).filter((k) => (k.startsWith("observation.images.") || k === "action" || k === "observation.state") && !(k in wanted));
  if (extra.length > 0) throw new UsageError(`--resume: the dataset has ${extra.join(", ")}, which this recording does not give (cameras must match)`);
}

let lastPhase: string | undefined;
/** Phase changes, spoken and (without the live view) printed. */
function announce(state: RecordState, say: (text: string) => void, out: NodeJS.WritableStream, print: boolean): void {
  if (state.phase === lastPhase) return;
  lastPhase = state.phase;
  const text = state.phase === "recording" ? `Recording episode ${state.episode}` : state.phase === "resetting" ? "Reset the environment" : state.phase === "done" ? "Stop recording" : undefined;
  if (!text) return;
  say(text);
  if (print) out.write(`${text}\n`);
}

/** One line per saved episode: a short take's start-up cost would hide in the whole run's p99. */
function formatEpisodeTiming(e: EpisodeTiming): string {
  const ms = (v: number) => v.toFixed(2);
  return `  episode ${e.episode}: ${e.frames} frames, overruns ${e.overruns}, tick lateness p99 ${ms(e.latenessMs.p99)} ms, max ${ms(e.latenessMs.max)} ms; ` +
    `first second p99 ${ms(e.firstSecondLatenessMs.p99)} ms, max ${ms(e.firstSecondLatenessMs.max)} ms`;
}
