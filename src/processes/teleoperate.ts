/**
 * teleoperate(config): the leader arm's joint positions become the follower's goals, once per
 * tick of the paced clock at `fps`. It runs until stop() (phase "stopped") or for `durationS`
 * (phase "done"). A lost arm (cable pulled, motor silent beyond retries) ends it: the follower's
 * torque is released if it can be, and `result` rejects with the error (process.ts's contract).
 */
import type { ArmConfig, ArmConnectOptions } from "../hardware/index.js";
import { connectLeaderThenFollower } from "./connect-arms.js";
import { lifecycle } from "./lifecycle.js";
import { PacedClock } from "./paced-clock.js";
import type { HardwareProcess, LatenessSummary } from "./process.js";
import { latenessSummary } from "./process.js";

/** A teleoperate process's phase (process.ts rule 1). */
export type TeleoperationPhase = "ready" | "running" | "done" | "stopped" | "failed";

/** What teleoperate reports through onStateUpdate and getState(). */
export interface TeleoperationState {
  phase: TeleoperationPhase;
  /** Ticks run so far. */
  ticks: number;
  /** Seconds since start(). */
  elapsedS: number;
  /** Achieved loop rate over the last second, Hz. */
  rateHz: number;
  /** The last action sent to the follower (LeRobot units). */
  action: Record<string, number> | undefined;
  /** The message of the error that failed the run. */
  error: string | undefined;
}

/** One tick, given to onTick. */
export interface TeleoperationTick {
  /** Ticks since start(), from 0. */
  tick: number;
  /** Seconds since start(). */
  timeS: number;
  /** The leader's positions (what was asked). */
  action: Record<string, number>;
  /** What was sent (after max_relative_target). */
  sent: Record<string, number>;
  /** The follower's positions, when `readFollower` is on. */
  observation?: Record<string, number>;
  /** How late this tick started against its schedule, ms. */
  lateMs: number;
}

/** What a teleoperation run did; zeros when stopped before start(). */
export interface TeleoperationResult {
  /** Ticks run. */
  ticks: number;
  /** Seconds from start() to the end. */
  durationS: number;
  /** ticks / durationS. */
  rateHz: number;
  /** Start-time lateness of the ticks, ms. */
  latenessMs: LatenessSummary;
}

/** Configuration of teleoperate(): LeRobot's TeleoperateConfig in camelCase. */
export interface TeleoperateConfig {
  /** The follower: one SO arm, or a bi_so_follower pair. */
  robot: ArmConfig;
  /** The leader: one SO arm, or a bi_so_leader pair (then the follower must be a pair too). */
  teleop: ArmConfig;
  /** Loop rate, Hz (LeRobot's default 60). */
  fps?: number;
  /** Stop by itself after this many seconds (LeRobot's teleop_time_s). */
  durationS?: number;
  /** Also read the follower's positions every tick (for display or recording). */
  readFollower?: boolean;
  /** Called on every change of phase or counters. */
  onStateUpdate?: (state: TeleoperationState) => void;
  /** Called after every tick. */
  onTick?: (tick: TeleoperationTick) => void;
  /** Lines connecting arms print. */
  log?: (line: string) => void;
  /** Environment for the calibration folder (HF_LEROBOT_CALIBRATION, HF_LEROBOT_HOME, HF_HOME). */
  env?: NodeJS.ProcessEnv;
  /** Connection options per arm (an injected transport or simulated arm, a calibration prompt). */
  connect?: { robot?: ArmConnectOptions; teleop?: ArmConnectOptions };
}

/**
 * Teleoperate, as LeRobot's teleop_loop (lerobot/scripts/lerobot_teleoperate.py): each tick reads
 * the leader and sends its positions to the follower. A process object; its contract is
 * processes/process.ts. Resolves once leader and follower are connected (the follower's torque
 * on); rejects with RangeError for fps outside (0, 1000], and with what connectArm rejects with.
 * Runs until stop() or `durationS`; `result` resolves with TeleoperationResult, or rejects with the
 * error that ended it (a lost arm, a failed read or write). The arms are disconnected at the end.
 */
export async function teleoperate(config: TeleoperateConfig): Promise<HardwareProcess<TeleoperationState, TeleoperationResult>> {
  const fps = config.fps ?? 60;
  if (!(fps > 0 && fps <= 1000)) throw new RangeError(`fps must be in (0, 1000], got ${fps}`);
  const { leader, follower } = await connectLeaderThenFollower(config);

  const recentTicks: number[] = [];
  let t0 = 0;
  const lc = lifecycle<TeleoperationState, TeleoperationResult>({
    state: { phase: "ready", ticks: 0, elapsedS: 0, rateHz: 0, action: undefined, error: undefined },
    onStateUpdate: config.onStateUpdate,
    release: () => Promise.all([follower.disconnect(), leader.disconnect()]).then(() => {}),
    stoppedResult: () => ({ ticks: 0, durationS: 0, rateHz: 0, latenessMs: { p50: 0, p99: 0, max: 0 } }),
    run: async (): Promise<TeleoperationResult> => {
      t0 = performance.now();
      clock.start(t0);
      lc.update({ phase: "running" });
      const endAt = config.durationS !== undefined ? t0 + config.durationS * 1000 : Infinity;
      while (!lc.stopping && performance.now() < endAt && (await clock.waitForSlot())) {
        const action = await leader.readPositions();
        const sent = await follower.sendAction(action);
        const observation = config.readFollower ? await follower.readPositions() : undefined;
        const now = performance.now();
        const timeS = (now - t0) / 1000;
        recentTicks.push(now);
        while (recentTicks[0]! < now - 1000) recentTicks.shift();
        lc.update({ ticks: lc.state.ticks + 1, elapsedS: timeS, rateHz: recentTicks.length, action: sent });
        config.onTick?.({ tick: clock.slot, timeS, action, sent, ...(observation ? { observation } : {}), lateMs: clock.lateMs });
        clock.endTick();
      }
      lc.throwIfFailed();
      const durationS = (performance.now() - t0) / 1000;
      return { ticks: lc.state.ticks, durationS, rateHz: lc.state.ticks / Math.max(durationS, 1e-9), latenessMs: latenessSummary(clock.lateness) };
    },
  });
  const clock = new PacedClock(fps, lc.failureSignal);
  // A pulled cable ends it at once rather than at the next failed read.
  lc.watchArms([leader, follower]);
  return lc.process;
}
