/**
 * The process-object convention every long-running hardware job follows:
 * `const p = await job(config)` prepares (connects, checks) and returns at once;
 * `p.start()` runs it, `p.stop()` ends it, `p.getState()` is a snapshot, `p.result` resolves with
 * the outcome (or rejects with the error that ended it). Callbacks fire when something happens,
 * never on a polling timer.
 */
export interface HardwareProcess<State, Result> {
  start(): void;
  stop(): void;
  getState(): State;
  readonly result: Promise<Result>;
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
export function latenessSummary(samples: number[]): { p50: number; p99: number; max: number } {
  const sorted = [...samples].sort((a, b) => a - b);
  const pick = (p: number) => sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))] ?? 0;
  return { p50: pick(0.5), p99: pick(0.99), max: sorted.at(-1) ?? 0 };
}
