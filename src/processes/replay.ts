/**
 * replay(config): send an episode's actions to a follower at the dataset's fps, paced by one clock,
 * after moving the arm slowly from where it is to the episode's first pose (so it never jumps).
 * The dataset's action names must be the robot's, and its units the robot's: a dataset recorded
 * in -100..100 is refused on a robot in degrees, and the reverse.
 */
import type { LeRobotDataset } from "../dataset/index.js";
import type { Arm, ArmConfig, ArmConnectOptions } from "../hardware/index.js";
import { connectArm, isBimanualConfig, armPositionNames, checkArmType } from "../hardware/index.js";
import { lifecycle } from "./lifecycle.js";
import { PacedClock } from "./paced-clock.js";
import type { HardwareProcess, LatenessSummary } from "./process.js";
import { latenessSummary } from "./process.js";

/** Units of body joints in a dataset or on a robot: degrees (use_degrees, LeRobot's default) or -100..100. */
export type JointUnits = "degrees" | "range_m100_100";

/** An episode replay cannot do: no such episode or action column, names or units not the robot's, no frames. */
export class ReplayError extends Error {
  override name = "ReplayError";
}

/** One episode's actions, what replay sends (episodeActions reads them from a dataset). */
export interface EpisodeActions {
  /** `<motor>.pos` names, in column order. */
  names: string[];
  /** One row per frame. */
  rows: number[][];
  /** The dataset's fps: the rate replay sends them at. */
  fps: number;
  /** Units the values are in, as detected (or undefined when the values cannot tell). */
  units: JointUnits | undefined;
  /** Why the units were detected as such. */
  unitsEvidence: string | undefined;
}

/**
 * Read one episode's actions (column `column`, default "action") for replay, with the units they
 * were recorded in when the dataset's stats tell (a body joint beyond ±100: degrees; exactly at
 * ±100: LeRobot's range-mode clamp). Reads the data files only.
 * @throws ReplayError when the episode does not exist or the column has no joint names.
 */
export async function episodeActions(dataset: LeRobotDataset, episode: number, column = "action"): Promise<EpisodeActions> {
  if (!Number.isInteger(episode) || episode < 0 || episode >= dataset.numEpisodes) {
    throw new ReplayError(`episode ${episode} does not exist: ${dataset.root} has episodes 0..${dataset.numEpisodes - 1}`);
  }
  const feature = dataset.features[column];
  if (!feature || !Array.isArray(feature.names)) throw new ReplayError(`${dataset.root} has no '${column}' feature with joint names`);
  const names = feature.names as string[];
  const { values, dim } = await dataset.readColumn(column, { episodes: [episode] });
  const rows: number[][] = [];
  for (let r = 0; r < values.length / dim; r++) rows.push(Array.from(values.subarray(r * dim, (r + 1) * dim) as ArrayLike<number>, Number));
  const { units, evidence } = detectUnits(dataset, column, names);
  return { names, rows, fps: dataset.fps, units, unitsEvidence: evidence };
}

/**
 * Degrees or -100..100, from the values over the whole dataset (stats.json): a body joint beyond
 * ±100 is in degrees; a body joint exactly at ±100 was clamped by LeRobot's range mode (a servo
 * step never lands exactly on ±100 degrees). Otherwise the values cannot tell.
 */
function detectUnits(dataset: LeRobotDataset, column: string, names: string[]): { units: JointUnits | undefined; evidence: string | undefined } {
  const stats = dataset.stats?.[column];
  if (!stats) return { units: undefined, evidence: undefined };
  const min = stats.min as number[];
  const max = stats.max as number[];
  for (let j = 0; j < names.length; j++) {
    if (isGripper(names[j]!)) continue;
    if (Math.abs(min[j]!) > 100.0001 || Math.abs(max[j]!) > 100.0001) {
      return { units: "degrees", evidence: `${names[j]} reaches ${Math.abs(min[j]!) > Math.abs(max[j]!) ? min[j] : max[j]}, beyond ±100` };
    }
  }
  for (let j = 0; j < names.length; j++) {
    if (isGripper(names[j]!)) continue;
    if (Math.abs(min[j]!) === 100 || Math.abs(max[j]!) === 100) return { units: "range_m100_100", evidence: `${names[j]} sits exactly at ${Math.abs(min[j]!) === 100 ? min[j] : max[j]}, LeRobot's range-mode clamp` };
  }
  return { units: undefined, evidence: undefined };
}

/** The gripper's column, of one arm or either side of two (`left_gripper.pos`): always 0..100. */
const isGripper = (name: string) => /^((left|right)_)?gripper/.test(name);

/**
 * A slow move from `from` to `target` in `steps` poses, eased with a cosine so it starts and ends
 * gently: what replay and calibrate-test send before a trajectory, so the arm never jumps.
 */
export function approachPoses(from: Record<string, number>, target: Record<string, number>, steps: number): Record<string, number>[] {
  return Array.from({ length: steps }, (_, k) => {
    const s = (1 - Math.cos((Math.PI * (k + 1)) / steps)) / 2;
    return Object.fromEntries(Object.keys(target).map((n) => [n, from[n]! + (target[n]! - from[n]!) * s]));
  });
}

/** Refuse actions whose names or units are not the robot's. */
export function checkActionsFit(actions: EpisodeActions, robot: ArmConfig): void {
  const expected = armPositionNames(robot.type);
  const missing = expected.filter((n) => !actions.names.includes(n));
  if (missing.length > 0) throw new ReplayError(`the dataset's actions (${actions.names.join(", ")}) lack ${missing.join(", ")} of ${robot.type}`);
  const robotUnits = armUnits(robot);
  if (actions.units && robotUnits && actions.units !== robotUnits) {
    const say = (u: JointUnits) => (u === "degrees" ? "degrees" : "-100..100 (use_degrees=false)");
    const flags = isBimanualConfig(robot) ? ["left", "right"].map((side) => `--robot.${side}_arm_config.use_degrees`) : ["--robot.use_degrees"];
    throw new ReplayError(`the dataset was recorded in ${say(actions.units)} (${actions.unitsEvidence}) but the robot is set to ${say(robotUnits)}; ` +
      `replay with ${flags.map((f) => `${f}=${actions.units === "degrees" ? "true" : "false"}`).join(" ")}`);
  }
}

/** The robot's body-joint units; undefined when the two sides of a pair differ (then not checked). */
function armUnits(robot: ArmConfig): JointUnits | undefined {
  const units = (useDegrees: boolean | undefined): JointUnits => (useDegrees === false ? "range_m100_100" : "degrees");
  if (!isBimanualConfig(robot)) return units(robot.useDegrees);
  const [left, right] = [units(robot.left.useDegrees), units(robot.right.useDegrees)];
  return left === right ? left : undefined;
}

/** A replay process's phase: moving to the first pose, then sending the episode. */
export type ReplayPhase = "ready" | "approaching" | "replaying" | "done" | "stopped" | "failed";

/** What replay reports through onStateUpdate and getState(). */
export interface ReplayState {
  phase: ReplayPhase;
  /** Frames sent so far. */
  frame: number;
  /** Frames in the episode. */
  frames: number;
  /** The message of the error that failed the process. */
  error: string | undefined;
}

/** One action sent, given to onStep. */
export interface ReplayStep {
  phase: "approaching" | "replaying";
  /** Frame of the episode (replaying) or step of the approach. */
  index: number;
  /** What was sent (after max_relative_target). */
  sent: Record<string, number>;
  /** The follower's positions read after the action was sent (when `readObservations`). */
  observation?: Record<string, number>;
  /** How late this step started against its slot, ms. */
  lateMs: number;
}

/** What a replay did; zeros when stopped before start(). */
export interface ReplayResult {
  /** Episode frames sent. */
  frames: number;
  /** Seconds of the replay proper (the approach not counted). */
  durationS: number;
  /** Start lateness of the ticks (approach and replay), ms. */
  latenessMs: LatenessSummary;
}

/** Configuration of replay(): LeRobot's ReplayConfig, with the episode's actions read by the caller (episodeActions). */
export interface ReplayConfig {
  /** One SO follower, or a bi_so_follower pair. */
  robot: ArmConfig;
  /** What to send. */
  actions: EpisodeActions;
  /** Seconds to move from the present pose to the first action (default 3). */
  approachS?: number;
  /** Read the follower after each action (for calibrate-test). */
  readObservations?: boolean;
  /** Called on every change of phase or progress. */
  onStateUpdate?: (state: ReplayState) => void;
  /** Called after every action sent. */
  onStep?: (step: ReplayStep) => void;
  /** Lines connecting the arm prints. */
  log?: (line: string) => void;
  /** Environment for the calibration folder (HF_LEROBOT_CALIBRATION, HF_LEROBOT_HOME, HF_HOME). */
  env?: NodeJS.ProcessEnv;
  /** Connection options (an injected transport or simulated arm). */
  connect?: ArmConnectOptions;
  /** An arm already connected (calibrate-test keeps one across episodes); not disconnected at the end. */
  arm?: Arm;
}

/**
 * Replay an episode's actions on a follower, as LeRobot's replay (lerobot/scripts/lerobot_replay.py),
 * after a cosine-eased approach from the present pose to the first action over `approachS`. A
 * process object; its contract is processes/process.ts. Resolves once the follower is connected
 * (unless `arm` is given); rejects with UnknownArmTypeError for a leader type, ReplayError when
 * the actions' names or units are not the robot's or there are none, and with what connectArm
 * rejects with. `result` resolves with ReplayResult, or rejects with the error that ended it.
 */
export async function replay(config: ReplayConfig): Promise<HardwareProcess<ReplayState, ReplayResult>> {
  checkArmType(config.robot.type, "follower");
  checkActionsFit(config.actions, config.robot);
  const { rows, names, fps } = config.actions;
  if (rows.length === 0) throw new ReplayError("the episode has no frames");
  const arm = config.arm ?? await connectArm(config.robot, { ...(config.log ? { log: config.log } : {}), ...(config.env ? { env: config.env } : {}), ...config.connect });
  const toAction = (row: number[]) => Object.fromEntries(names.map((n, j) => [n, row[j]!]));

  /** `count` steps on the clock, one per slot (a step after an overrun waits for the next free slot). */
  const paced = async (count: number, step: (k: number) => Promise<void>) => {
    clock.start();
    for (let k = 0; k < count && !lc.stopping && (await clock.waitForSlot()); k++) {
      await step(k);
      clock.endTick();
    }
    lc.throwIfFailed();
  };

  const send = async (phase: ReplayStep["phase"], index: number, action: Record<string, number>) => {
    const sent = await arm.sendAction(action);
    const observation = config.readObservations ? await arm.readPositions() : undefined;
    config.onStep?.({ phase, index, sent, ...(observation ? { observation } : {}), lateMs: clock.lateMs });
  };

  const lc = lifecycle<ReplayState, ReplayResult>({
    state: { phase: "ready", frame: 0, frames: rows.length, error: undefined },
    onStateUpdate: config.onStateUpdate,
    // An arm given by the caller stays connected: it is the caller's.
    release: () => (config.arm ? Promise.resolve() : arm.disconnect()),
    stoppedResult: () => ({ frames: 0, durationS: 0, latenessMs: { p50: 0, p99: 0, max: 0 } }),
    run: async (): Promise<ReplayResult> => {
      const start = await arm.readPositions();
      const first = toAction(rows[0]!);
      const moves = approachPoses(start, first, Math.max(1, Math.round((config.approachS ?? 3) * fps)));
      lc.update({ phase: "approaching" });
      await paced(moves.length, (k) => send("approaching", k, moves[k]!));
      const t0 = performance.now();
      if (!lc.stopping) {
        lc.update({ phase: "replaying" });
        await paced(rows.length, async (k) => {
          await send("replaying", k, toAction(rows[k]!));
          lc.state.frame = k + 1;
          if (k % Math.max(1, Math.round(fps / 5)) === 0) lc.update({});
        });
      }
      return { frames: lc.state.frame, durationS: (performance.now() - t0) / 1000, latenessMs: latenessSummary(clock.lateness) };
    },
  });
  const clock = new PacedClock(fps, lc.failureSignal);
  lc.watchArms([arm]);
  return lc.process;
}
