/**
 * calibrateTest(config): test an arm's calibration by replaying recorded trajectories and
 * measuring what the arm actually did (the method of the community's test_calibration.py for
 * LeRobot, its pitfalls handled):
 * the observation of a frame is read one period AFTER its action was sent, in recording and in
 * replay alike (the same processing both times); units are the robot's; and each test episode
 * starts from its recorded initial state, reached slowly. Per joint: mean, max and RMS error in
 * degrees and raw steps, the worst frame, and a verdict against the tolerance.
 *
 * Without `skipRecord` it first records the test episodes itself with a built-in motion: every
 * body joint swings smoothly through most of its calibrated range, the gripper opens and closes.
 */
import fs from "node:fs";
import { openDataset, DatasetWriter } from "../dataset/index.js";
import type { ArmCalibration, ConnectArmOptions, SOArmConfig } from "../hardware/index.js";
import { SOArm, SO_MOTOR_NAMES, armType, lerobotRobotName } from "../hardware/index.js";
import { lifecycle, sleep } from "./lifecycle.js";
import { PacedClock } from "./paced-clock.js";
import type { HardwareProcess, LatenessSummary, Stopped } from "./process.js";
import { STOPPED, latenessSummary } from "./process.js";
import { recordFeatures } from "./record.js";
import { ReplayError, approachPoses, checkActionsFit, episodeActions } from "./replay.js";

/** One joint's error over one test episode: observed position minus the recorded one, in degrees and in raw steps. */
export interface JointError {
  joint: string;
  /** Mean absolute error, degrees. */
  meanDeg: number;
  maxDeg: number;
  rmsDeg: number;
  /** The same in raw encoder steps. */
  meanSteps: number;
  maxSteps: number;
  rmsSteps: number;
  /** Frame of the largest error. */
  worstFrame: number;
  /** maxDeg is within the tolerance. */
  pass: boolean;
}

/** One test episode's verdict. */
export interface EpisodeReport {
  episode: number;
  frames: number;
  joints: JointError[];
  /** Every joint passed. */
  pass: boolean;
}

/** The calibration test's verdict. */
export interface CalibrationTestResult {
  /** The dataset folder tested. */
  root: string;
  toleranceDeg: number;
  /** The test episodes were recorded by this run (not skipRecord). */
  recorded: boolean;
  episodes: EpisodeReport[];
  /** Every episode passed. */
  pass: boolean;
  /** Joints that failed in any episode. */
  failedJoints: string[];
  /** Start lateness of the trajectory ticks (approaches included), ms. */
  latenessMs: LatenessSummary;
}

/** What calibrateTest reports through onStateUpdate and getState(). */
export interface CalibrationTestState {
  phase: "ready" | "recording" | "testing" | "done" | "failed" | "stopped";
  /** The episode being recorded or tested. */
  episode: number | undefined;
  /** Its frame. */
  frame: number;
  /** The message of the error that failed the process. */
  error: string | undefined;
}

/** Configuration of calibrateTest() (the CLI's calibrate-test flags in camelCase). */
export interface CalibrateTestConfig {
  /** The follower under test (one SO arm). */
  robot: SOArmConfig;
  /** The dataset folder (written when recording, read when testing). */
  root: string;
  /** The repo id written into a recorded dataset. */
  repoId: string;
  /** Episodes to test (default [0]). */
  testEpisodes?: number[];
  /** Test the existing dataset at `root` instead of recording test episodes first. */
  skipRecord?: boolean;
  /** Largest error a joint may show, degrees (default 5). */
  toleranceDeg?: number;
  /** Rate of recording and replay (default 30). */
  fps?: number;
  /** Seconds of each built-in episode (default 6). */
  episodeS?: number;
  /** Seconds to reach an episode's initial state (default 3). */
  approachS?: number;
  /** Called on every change of phase or progress. */
  onStateUpdate?: (state: CalibrationTestState) => void;
  /** Lines connecting the arm prints. */
  log?: (line: string) => void;
  /** Environment for the calibration folder (HF_LEROBOT_CALIBRATION, HF_LEROBOT_HOME, HF_HOME). */
  env?: NodeJS.ProcessEnv;
  /** Connection options (an injected transport or simulated arm). */
  connect?: ConnectArmOptions;
}

/** The test cannot run: bad episode numbers, a dataset folder that exists (when recording) or is missing, episodes that do not fit the robot. */
export class CalibrationTestError extends Error {
  override name = "CalibrationTestError";
}

const STEPS_PER_DEGREE = 4095 / 360;

/**
 * Test an arm's calibration: record short trajectories with a built-in motion into a new dataset
 * at `root` (unless skipRecord), then replay each test episode from its recorded initial state and
 * compare what the arm did with what was recorded. A process object; its contract is
 * processes/process.ts. Resolves once the follower is connected (torque on); rejects with
 * UnknownArmTypeError for a leader type, CalibrationTestError as described there, and with what
 * SOArm.connect rejects with. Writes the dataset at `root` when recording. `result` resolves with
 * the verdict (a failing verdict is not an error), or STOPPED when stop() came first.
 */
export async function calibrateTest(config: CalibrateTestConfig): Promise<HardwareProcess<CalibrationTestState, CalibrationTestResult | Stopped>> {
  armType(config.robot.type, "follower");
  const fps = config.fps ?? 30;
  const tolerance = config.toleranceDeg ?? 5;
  const episodes = config.testEpisodes ?? [0];
  if (episodes.length === 0 || episodes.some((e) => !Number.isInteger(e) || e < 0)) throw new CalibrationTestError(`test episodes must be episode numbers, got ${episodes.join(",")}`);
  const recordFirst = !config.skipRecord;
  if (recordFirst && fs.existsSync(config.root) && fs.readdirSync(config.root).length > 0) {
    throw new CalibrationTestError(`${config.root} already exists: test its episodes with --dataset.skip_record=true, or choose another --dataset.root`);
  }
  if (!recordFirst) await checkDataset(config.root, episodes, config.robot);
  const arm = await SOArm.connect(config.robot, { ...(config.log ? { log: config.log } : {}), ...(config.env ? { env: config.env } : {}), ...config.connect });

  /**
   * Send each action at its slot and read the arm one period later, before the next action:
   * observation k is what action k did.
   */
  const runTrajectory = async (actions: Record<string, number>[]): Promise<Record<string, number>[]> => {
    const observations: Record<string, number>[] = [];
    clock.start();
    for (let k = 0; k <= actions.length && (await clock.waitForSlot()); k++) {
      if (k > 0) observations.push(await arm.readPositions());
      if (k < actions.length) await arm.sendAction(actions[k]!);
      lc.state.frame = k;
      clock.endTick();
    }
    lc.signal.throwIfAborted();
    return observations;
  };

  /** A slow cosine move from where the arm is to `target` (never a jump). */
  const approach = async (target: Record<string, number>) => {
    const moves = approachPoses(await arm.readPositions(), target, Math.max(1, Math.round((config.approachS ?? 3) * fps)));
    await runTrajectory(moves);
    await sleep(300, lc.signal); // let the servos settle
  };

  const recordEpisodes = async () => {
    lc.update({ phase: "recording" });
    const writer = await DatasetWriter.create({ root: config.root, repoId: config.repoId, fps, robotType: lerobotRobotName(config.robot.type), features: recordFeatures({}) });
    const count = Math.max(...episodes) + 1;
    const frames = Math.round((config.episodeS ?? 6) * fps);
    for (let e = 0; e < count; e++) {
      lc.update({ episode: e });
      const actions = builtInMotion(arm, e, frames, fps);
      await approach(actions[0]!);
      const observations = await runTrajectory(actions);
      for (const [k, action] of actions.entries()) {
        await writer.addFrame({ task: "calibration test motion", action: SO_MOTOR_NAMES.map((m) => action[`${m}.pos`]!), "observation.state": SO_MOTOR_NAMES.map((m) => observations[k]![`${m}.pos`]!) });
      }
      await writer.saveEpisode();
    }
    await writer.finalize();
  };

  const lc = lifecycle<CalibrationTestState, CalibrationTestResult | Stopped>({
    state: { phase: "ready", episode: undefined, frame: 0, error: undefined },
    onStateUpdate: config.onStateUpdate,
    release: () => arm.disconnect(),
    stoppedResult: () => STOPPED,
    run: async (): Promise<CalibrationTestResult> => {
      if (recordFirst) await recordEpisodes();
      lc.update({ phase: "testing" });
      const dataset = await openDataset(config.root);
      const reports: EpisodeReport[] = [];
      for (const e of episodes) {
        lc.update({ episode: e, frame: 0 });
        const actions = await episodeActions(dataset, e);
        const recorded = await episodeActions(dataset, e, "observation.state");
        const rows = (a: typeof actions) => a.rows.map((row) => Object.fromEntries(a.names.map((n, j) => [n, row[j]!])));
        const recordedObs = rows(recorded);
        // Start where the recording started, reached slowly.
        await approach(recordedObs[0]!);
        const replayed = await runTrajectory(rows(actions));
        reports.push(compare(e, recordedObs, replayed, arm.calibration!, (m) => arm.normMode(m), tolerance));
      }
      const failedJoints = [...new Set(reports.flatMap((r) => r.joints.filter((j) => !j.pass).map((j) => j.joint)))];
      return {
        root: config.root, toleranceDeg: tolerance, recorded: recordFirst, episodes: reports, pass: failedJoints.length === 0, failedJoints,
        latenessMs: latenessSummary(clock.lateness),
      };
    },
  });
  // A stop ends a trajectory at once: the arm holds its last goal.
  const clock = new PacedClock(fps, lc.signal);
  lc.watchArms([arm]);
  return lc.process;
}

/** Episodes exist and their actions fit the robot (names, units) before any hardware moves. */
async function checkDataset(root: string, episodes: number[], robot: SOArmConfig): Promise<void> {
  if (!fs.existsSync(root)) throw new CalibrationTestError(`no dataset at ${root}: record one first (drop --dataset.skip_record)`);
  const dataset = await openDataset(root);
  for (const e of episodes) {
    try {
      checkActionsFit(await episodeActions(dataset, e), robot);
    } catch (error) {
      if (error instanceof ReplayError) throw new CalibrationTestError(error.message);
      throw error;
    }
  }
}

/**
 * The built-in test motion of episode `e`: each body joint swings over 80% of its calibrated
 * range around the middle, at its own slow frequency; the gripper between 10 and 90.
 */
function builtInMotion(arm: SOArm, e: number, frames: number, fps: number): Record<string, number>[] {
  const cal = arm.calibration!;
  return Array.from({ length: frames }, (_, k) => {
    const t = k / fps;
    const action: Record<string, number> = {};
    SO_MOTOR_NAMES.forEach((m, j) => {
      const s = Math.sin(2 * Math.PI * (0.15 + 0.04 * j) * t + 0.9 * e + j);
      if (m === "gripper") action[`${m}.pos`] = 50 + 40 * s;
      else if (arm.normMode(m) === "degrees") action[`${m}.pos`] = (0.8 * s * (cal[m]!.range_max - cal[m]!.range_min)) / 2 / STEPS_PER_DEGREE;
      else action[`${m}.pos`] = 80 * s;
    });
    return action;
  });
}

/** Per joint errors between what was recorded and what the replay did. */
function compare(
  episode: number, recorded: Record<string, number>[], replayed: Record<string, number>[], cal: ArmCalibration,
  mode: (motor: string) => string, tolerance: number,
): EpisodeReport {
  const frames = Math.min(recorded.length, replayed.length);
  const joints = SO_MOTOR_NAMES.map((m) => {
    const key = `${m}.pos`;
    // Units to encoder steps: degrees directly; -100..100 and 0..100 over the calibrated range.
    const span = cal[m]!.range_max - cal[m]!.range_min;
    const toSteps = mode(m) === "degrees" ? STEPS_PER_DEGREE : mode(m) === "range_0_100" ? span / 100 : span / 200;
    let sum = 0;
    let sumSq = 0;
    let max = 0;
    let worst = 0;
    for (let k = 0; k < frames; k++) {
      const steps = Math.abs(replayed[k]![key]! - recorded[k]![key]!) * toSteps;
      sum += steps;
      sumSq += steps * steps;
      if (steps > max) { max = steps; worst = k; }
    }
    const meanSteps = sum / frames;
    const rmsSteps = Math.sqrt(sumSq / frames);
    const maxDeg = max / STEPS_PER_DEGREE;
    return {
      joint: m, meanDeg: meanSteps / STEPS_PER_DEGREE, maxDeg, rmsDeg: rmsSteps / STEPS_PER_DEGREE,
      meanSteps, maxSteps: max, rmsSteps, worstFrame: worst, pass: maxDeg <= tolerance,
    };
  });
  return { episode, frames, joints, pass: joints.every((j) => j.pass) };
}
