/**
 * The process-object contract every long-running hardware job follows (record, replay,
 * teleoperate, calibrate, calibrateTest, findPort). lifecycle.ts implements it once; each process
 * supplies only its work. test/processes/process.test.ts checks every rule against every process.
 *
 * Shape: `const p = await job(config)` prepares (checks the config, connects, opens devices) and
 * returns; nothing moves until `p.start()`. `p.getState()` is a copy of the state; callbacks fire
 * when something happens, never on a polling timer.
 *
 * 1. Phases. A process is "ready" until start(), then in its own working phases, then in exactly
 *    one terminal phase: "done" (the work ended by itself), "stopped" (stop() ended it) or
 *    "failed" (an error ended it; state.error holds its message). A terminal phase is final: no
 *    state update follows it.
 * 2. start() runs the work once. Calling it again, or after stop(), or after the end, does nothing.
 * 3. stop() is idempotent and never throws.
 *    - before start(): releases the devices; phase "stopped"; result resolves with the stopped
 *      result (see 4).
 *    - while working: the work ends at its next safe point (a paced loop after the tick in
 *      progress; a wait on a person at once). What was finished stays (record saves the take in
 *      progress, as LeRobot's Esc does; calibrate writes nothing not yet written).
 *    - after the end: does nothing.
 * 4. result resolves on "done" and on "stopped", and rejects only on "failed", with the error that
 *    ended the process (the first one, when several follow from one cause). A stopped process
 *    resolves with what it did so far when its result counts work (record, replay, teleoperate:
 *    zeros when stopped before start), or with `{ stopped: true }` (STOPPED) when its result is an
 *    answer it did not reach (calibrate, calibrateTest, findPort); the result type says which.
 * 5. By the time the terminal phase is reported and result settles, every device the process
 *    opened is released (arms disconnected, a follower's torque off, cameras stopped).
 * 6. A lost arm (cable pulled: Arm.onLost) fails the process at once, in any phase before the
 *    end (even "ready"), with an error naming the arm; it does not wait for the next failed read.
 * 7. Paced loops run on PacedClock (paced-clock.ts): tick k is due at t0 + k / fps; its lateness
 *    is how late its work started against that slot; a tick whose work ran past the next slot is
 *    an overrun, and the loop then skips the slots already passed (no burst of catch-up ticks).
 *    Every paced process reports `latenessMs: { p50, p99, max }` (LatenessSummary) in its result.
 */
export interface HardwareProcess<State, Result> {
  start(): void;
  stop(): void;
  getState(): State;
  readonly result: Promise<Result>;
}

/** What every process state has: its phase (rule 1) and the message of the error that failed it. */
export interface ProcessState {
  phase: string;
  error?: string | undefined;
}

/** The result of a process stopped before it reached its answer (rule 4). */
export interface Stopped {
  readonly stopped: true;
}

/** The one stopped marker a process resolves with when stopped before its answer (rule 4). */
export const STOPPED: Stopped = Object.freeze({ stopped: true as const });

/** Whether a result is the stopped marker rather than an answer. */
export function isStopped(result: unknown): result is Stopped {
  return typeof result === "object" && result !== null && (result as Partial<Stopped>).stopped === true;
}

/** Tick start lateness (ms) over a run (rule 7). */
export interface LatenessSummary {
  p50: number;
  p99: number;
  max: number;
}

/** A promise with its resolve/reject exposed, for a process's `result`. */
export function deferred<T>(): { promise: Promise<T>; resolve: (value: T) => void; reject: (error: unknown) => void } {
  let resolve!: (value: T) => void;
  let reject!: (error: unknown) => void;
  const promise = new Promise<T>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  // A result nobody awaits must not crash the process with an unhandled rejection.
  promise.catch(() => {});
  return { promise, resolve, reject };
}

/** p50 / p99 / max of tick lateness samples (ms), as the loop processes report them. */
export function latenessSummary(samples: number[]): LatenessSummary {
  const sorted = [...samples].sort((a, b) => a - b);
  const pick = (p: number) => sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))] ?? 0;
  return { p50: pick(0.5), p99: pick(0.99), max: sorted.at(-1) ?? 0 };
}
