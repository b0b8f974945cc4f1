/**
 * teleoperate(config): the leader arm's joint positions become the follower's goals, once per
 * tick of one clock at `fps`. Ticks are scheduled against absolute times (t0 + k / fps), so a
 * slow tick does not shift the ones after it. A lost arm (cable pulled, motor silent beyond
 * retries) ends the process: the follower's torque is released if it can be, and `result`
 * rejects with the error.
 */
import type { Arm, ArmConfig, ArmConnectOptions } from "../hardware/robots/arm.js";
import { checkArmsMatch, connectArm } from "../hardware/robots/arm.js";
import type { HardwareProcess } from "./process.js";
import { deferred, latenessSummary } from "./process.js";

export type TeleoperationPhase = "ready" | "running" | "stopped" | "failed";

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
  latenessMs: { p50: number; p99: number; max: number };
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
  // Check both types before touching any hardware: "unknown robot type ..." names the right flag.
  checkArmsMatch(config.robot, config.teleop);
  const connectOptions = { ...(config.log ? { log: config.log } : {}), ...(config.env ? { env: config.env } : {}) };
  const leader = await connectArm(config.teleop, { ...connectOptions, ...config.connect?.teleop });
  let follower: Arm;
  try {
    follower = await connectArm(config.robot, { ...connectOptions, ...config.connect?.robot });
  } catch (error) {
    await leader.disconnect();
    throw error;
  }

  const state: TeleoperationState = { phase: "ready", ticks: 0, elapsedS: 0, rateHz: 0, action: undefined, error: undefined };
  const update = (patch: Partial<TeleoperationState>) => {
    Object.assign(state, patch);
    config.onStateUpdate?.({ ...state });
  };
  const outcome = deferred<TeleoperationResult>();
  const lateness: number[] = [];
  const recentTicks: number[] = [];
  let timer: NodeJS.Timeout | undefined;
  let started = false;
  let finished = false;
  let t0 = 0;

  const finish = async (error?: unknown) => {
    if (finished) return;
    finished = true;
    if (timer) clearTimeout(timer);
    await Promise.all([follower.disconnect(), leader.disconnect()]);
    const durationS = (performance.now() - t0) / 1000;
    if (error) {
      update({ phase: "failed", error: error instanceof Error ? error.message : String(error) });
      outcome.reject(error);
      return;
    }
    update({ phase: "stopped" });
    outcome.resolve({ ticks: state.ticks, durationS, rateHz: state.ticks / Math.max(durationS, 1e-9), latenessMs: latenessSummary(lateness) });
  };

  // A pulled cable surfaces here first: end at once rather than at the next failed read.
  for (const arm of [leader, follower]) {
    arm.onLost((error) => {
      if (!finished) void finish(error);
    });
  }

  const tick = async (k: number) => {
    if (finished) return;
    const scheduled = t0 + (k * 1000) / fps;
    const now = performance.now();
    const lateMs = Math.max(0, now - scheduled);
    lateness.push(lateMs);
    try {
      const action = await leader.readPositions();
      const sent = await follower.sendAction(action);
      const observation = config.readFollower ? await follower.readPositions() : undefined;
      const timeS = (performance.now() - t0) / 1000;
      recentTicks.push(performance.now());
      while (recentTicks.length > 0 && recentTicks[0]! < performance.now() - 1000) recentTicks.shift();
      update({ ticks: state.ticks + 1, elapsedS: timeS, rateHz: recentTicks.length, action: sent });
      config.onTick?.({ tick: k, timeS, action, sent, ...(observation ? { observation } : {}), lateMs });
    } catch (error) {
      await finish(error);
      return;
    }
    if (config.durationS !== undefined && performance.now() - t0 >= config.durationS * 1000) {
      await finish();
      return;
    }
    // Next tick at its absolute time; if this one overran, run the next at once (no catch-up bursts).
    const next = Math.max(k + 1, Math.floor(((performance.now() - t0) * fps) / 1000));
    timer = setTimeout(() => void tick(next), Math.max(0, t0 + (next * 1000) / fps - performance.now()));
  };

  return {
    start() {
      if (started) return;
      started = true;
      t0 = performance.now();
      update({ phase: "running" });
      void tick(0);
    },
    stop() {
      void finish();
    },
    getState: () => ({ ...state }),
    result: outcome.promise,
  };
}
