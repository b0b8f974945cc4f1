/**
 * The process contract of process.ts, implemented once: state and its updates, start and stop,
 * failure (a lost arm included), releasing the devices and settling `result`. A process gives it
 * its work (`run`) and what to release; everything about phases and result is decided here.
 */
import type { Arm } from "../hardware/index.js";
import type { HardwareProcess, ProcessState } from "./process.js";
import { deferred } from "./process.js";

/** The reason the lifecycle's signal carries after stop(): a wait interrupted by it throws this. */
export class ProcessStoppedError extends Error {
  override name = "ProcessStoppedError";
  constructor() {
    super("stopped");
  }
}

export interface LifecycleOptions<State extends ProcessState, Result> {
  /** The state before start(); its phase is "ready". Updated in place. */
  state: State;
  onStateUpdate?: ((state: State) => void) | undefined;
  /** The copy handed to callbacks and getState (default: a shallow copy). */
  copy?: (state: State) => State;
  /**
   * The work, run once by start(). After stop() it should return what it did so far at its next
   * safe point, or let `signal`'s ProcessStoppedError escape from an interrupted wait.
   */
  run: () => Promise<Result>;
  /** Release every device the process opened; called once, before the terminal phase. Never throws. */
  release: () => Promise<void>;
  /** What result resolves with when the work was stopped before it had its own (before start, or by a thrown stop). */
  stoppedResult: () => Result | Promise<Result>;
  /** Cleanup after a failure, before release (record drops the take in progress). Errors are ignored. */
  cleanUpAfterFailure?: () => Promise<void>;
}

export interface Lifecycle<State extends ProcessState, Result> {
  readonly process: HardwareProcess<State, Result>;
  readonly state: State;
  /** Merge `patch` into the state and report it (ignored after the terminal phase). */
  update(patch: Partial<State>): void;
  /** Aborted by stop() (reason: ProcessStoppedError) or a failure (reason: the error): ends waits on a person. */
  readonly signal: AbortSignal;
  /** Aborted by a failure only: paced loops finish their tick on stop() but must not sleep through a failure. */
  readonly failureSignal: AbortSignal;
  /** stop() was called. */
  readonly stopping: boolean;
  /** End the process with this error (the first one wins). */
  fail(error: unknown): void;
  /** Throw the failure, if there is one. */
  throwIfFailed(): void;
  /** Fail when any of these arms is lost (rule 6); unsubscribed when the process ends. */
  watchArms(arms: Arm[]): void;
}

type Ending<Result> = { result: Result } | { error: unknown } | { stoppedByThrow: true };

export function lifecycle<State extends ProcessState, Result>(options: LifecycleOptions<State, Result>): Lifecycle<State, Result> {
  const { state } = options;
  const copy = options.copy ?? ((s: State) => ({ ...s }));
  const outcome = deferred<Result>();
  const stopOrFailure = new AbortController();
  const failureOnly = new AbortController();
  const unsubscribe: (() => void)[] = [];
  let started = false;
  let stopRequested = false;
  let ending = false;
  let terminal = false;
  let failure: { error: unknown } | undefined;

  const update = (patch: Partial<State>) => {
    if (terminal) return;
    Object.assign(state, patch);
    options.onStateUpdate?.(copy(state));
  };

  /** Release, then report the terminal phase, then settle (rule 5). */
  const end = async (how: Ending<Result>) => {
    ending = true;
    for (const off of unsubscribe.splice(0)) off();
    let settled: { result: Result } | { error: unknown };
    if (failure) settled = { error: failure.error };
    else if ("stoppedByThrow" in how) settled = await Promise.resolve().then(options.stoppedResult).then((result) => ({ result }), (error: unknown) => ({ error }));
    else settled = how;
    if ("error" in settled) await options.cleanUpAfterFailure?.().catch(() => {});
    await options.release().catch(() => {});
    if ("error" in settled) {
      const { error } = settled;
      update({ phase: "failed", error: error instanceof Error ? error.message : String(error) } as Partial<State>);
      terminal = true;
      outcome.reject(error);
    } else {
      update({ phase: stopRequested ? "stopped" : "done" } as Partial<State>);
      terminal = true;
      outcome.resolve(settled.result);
    }
  };

  const fail = (error: unknown) => {
    if (ending || failure) return;
    failure = { error };
    stopOrFailure.abort(error);
    failureOnly.abort(error);
    // Nothing runs to notice it: end here.
    if (!started) void end({ error });
  };

  const process: HardwareProcess<State, Result> = {
    start() {
      if (started || stopRequested || ending) return;
      started = true;
      void Promise.resolve().then(options.run).then(
        (result) => end({ result }),
        (error: unknown) => end(error instanceof ProcessStoppedError && stopRequested ? { stoppedByThrow: true } : { error }),
      );
    },
    stop() {
      if (stopRequested || ending) return;
      stopRequested = true;
      stopOrFailure.abort(new ProcessStoppedError());
      if (!started) void end({ stoppedByThrow: true });
    },
    getState: () => copy(state),
    result: outcome.promise,
  };

  return {
    process,
    state,
    update,
    signal: stopOrFailure.signal,
    failureSignal: failureOnly.signal,
    get stopping() {
      return stopRequested;
    },
    fail,
    throwIfFailed() {
      if (failure) throw failure.error;
    },
    watchArms(arms) {
      for (const arm of arms) unsubscribe.push(arm.onLost(fail));
    },
  };
}

/** `promise`, unless `signal` aborts first: then rejects with the signal's reason. */
export function unlessAborted<T>(promise: Promise<T>, signal: AbortSignal): Promise<T> {
  if (signal.aborted) {
    promise.catch(() => {}); // abandoned: its later failure is nobody's business
    return Promise.reject(signal.reason as Error);
  }
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(signal.reason as Error);
    signal.addEventListener("abort", onAbort, { once: true });
    promise.then(
      (value) => { signal.removeEventListener("abort", onAbort); resolve(value); },
      (error: unknown) => { signal.removeEventListener("abort", onAbort); reject(error); },
    );
  });
}

/** Sleep `ms`, ended early (rejecting with the reason) when `signal` aborts. */
export function sleep(ms: number, signal: AbortSignal): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  return unlessAborted(new Promise<void>((resolve) => { timer = setTimeout(resolve, ms); }), signal).finally(() => clearTimeout(timer));
}
