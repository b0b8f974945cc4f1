/**
 * teleoperate(config): the leader arm's joint positions become the follower's goals, once per
 * tick of the paced clock at `fps`. It runs until stop() (phase "stopped") or for `durationS`
 * (phase "done"). A lost arm (cable pulled, motor silent beyond retries) ends it: the follower's
 * torque is released if it can be, and `result` rejects with the error (process.ts's contract).
 */
import type { ArmConfig, ArmConnectOptions } from "../hardware/robots/arm.js";
import { connectLeaderThenFollower } from "./connect-arms.js";
import { lifecycle } from "./lifecycle.js";
import { PacedClock } from "./paced-clock.js";
import type { HardwareProcess, LatenessSummary } from "./process.js";
import { latenessSummary } from "./process.js";

export type TeleoperationPhase = "ready" | "running" | "done" | "stopped" | "failed";

export interface TeleoperationState {
  phase: TeleoperationPhase;
  ticks: number;
  elapsedS: number;
  /** Achieved loop rate over the last second, Hz. */
  rateHz: number;
  /** The last action sent to the follower (LeRobot units). */
  action: Record<string, number> | undefined;
  error: string | undefined;
}

export interface TeleoperationTick {
  tick: number;
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

export interface TeleoperationResult {
  ticks: number;
  durationS: number;
  rateHz: number;
  /** Start-time lateness of the ticks, ms. */
  latenessMs: LatenessSummary;
}

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
  onStateUpdate?: (state: TeleoperationState) => void;
  onTick?: (tick: TeleoperationTick) => void;
  log?: (line: string) => void;
  env?: NodeJS.ProcessEnv;
  /** Connection options per arm (an injected transport or simulated arm, a calibration prompt). */
  connect?: { robot?: ArmConnectOptions; teleop?: ArmConnectOptions };
}

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
