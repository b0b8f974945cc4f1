/**
 * lifecycle(): the process contract of process.ts implemented once (phases, start and stop,
 * failure, release, result), and the waits a process interrupts with its signal.
 */
import fs from "node:fs";
import { afterAll, describe, expect, it } from "vitest";
import { openSimulatedArm } from "../../src/hardware/robots/sim-arm.js";
import { connectArm } from "../../src/hardware/robots/arm.js";
import type { Lifecycle } from "../../src/processes/lifecycle.js";
import { ProcessStoppedError, lifecycle, sleep, unlessAborted } from "../../src/processes/lifecycle.js";
import type { ProcessState } from "../../src/processes/process.js";
import { tempDir } from "../helpers/synthetic.js";

const never = <T>() => new Promise<T>(() => {});
const home = tempDir("lerobot-ts-lifecycle-");
afterAll(() => fs.rmSync(home, { recursive: true, force: true }));

describe("lifecycle", () => {
  const make = (run: () => Promise<string>) => {
    let runs = 0;
    let releases = 0;
    const lc = lifecycle<ProcessState, string>({
      state: { phase: "ready" },
      run: () => { runs++; return run(); },
      release: async () => { releases++; },
      stoppedResult: () => "nothing",
    });
    return { lc, runs: () => runs, releases: () => releases };
  };

  it("runs the work once however often start() is called, and never after stop()", async () => {
    const once = make(async () => "answer");
    once.lc.process.start();
    once.lc.process.start();
    expect(await once.lc.process.result).toBe("answer");
    once.lc.process.start();
    expect(once.runs()).toBe(1);
    expect(once.releases()).toBe(1);
    expect(once.lc.process.getState().phase).toBe("done");

    const stopped = make(async () => "answer");
    stopped.lc.process.stop();
    stopped.lc.process.start();
    expect(await stopped.lc.process.result).toBe("nothing");
    expect(stopped.runs()).toBe(0);
    expect(stopped.releases()).toBe(1);
  });

  it("a stop that interrupts a wait resolves with the stopped result; a failure wins over whatever the work does next", async () => {
    const waiting = make(() => unlessAborted(never<string>(), waiting.lc.signal));
    waiting.lc.process.start();
    waiting.lc.process.stop();
    expect(await waiting.lc.process.result).toBe("nothing");
    expect(waiting.lc.signal.reason).toBeInstanceOf(ProcessStoppedError);

    const failing = make(async () => {
      failing.lc.fail(new Error("first"));
      throw new Error("second");
    });
    failing.lc.process.start();
    await expect(failing.lc.process.result).rejects.toThrow("first");
    expect(failing.lc.process.getState()).toEqual({ phase: "failed", error: "first" });
    expect(failing.releases()).toBe(1);
  });
});

describe("lifecycle state", () => {
  interface CountState extends ProcessState { count: number }
  const make = (run: () => Promise<string> = () => never<string>()) => {
    const seen: CountState[] = [];
    const lc = lifecycle<CountState, string>({
      state: { phase: "ready", count: 0 }, onStateUpdate: (s) => seen.push(s),
      run, release: async () => {}, stoppedResult: () => "nothing",
    });
    return { lc, seen };
  };

  it("merges each update into the state and reports a copy of it", async () => {
    const { lc, seen } = make();
    lc.update({ phase: "working" });
    lc.update({ count: 1 });
    expect(seen).toEqual([{ phase: "working", count: 0 }, { phase: "working", count: 1 }]);
    seen[0]!.count = 99;
    const state = lc.process.getState();
    state.count = 42;
    expect(lc.process.getState()).toEqual({ phase: "working", count: 1 });
  });

  it("reports nothing after the terminal phase", async () => {
    const { lc, seen } = make(async () => "answer");
    lc.process.start();
    await lc.process.result;
    lc.update({ count: 5 });
    expect(seen.map((s) => s.phase)).toEqual(["done"]);
    expect(lc.process.getState()).toEqual({ phase: "done", count: 0 });
  });
});

describe("lifecycle stop and failure", () => {
  const make = (run: () => Promise<string>, order: string[] = []) => lifecycle<ProcessState, string>({
    state: { phase: "ready" },
    run,
    release: async () => { order.push("release"); },
    cleanUpAfterFailure: async () => { order.push("clean up"); },
    stoppedResult: () => "nothing",
  });

  it("after stop() while working, resolves with what the work returns at its safe point, 'stopped'", async () => {
    let reachedSafePoint!: () => void;
    const safePoint = new Promise<void>((resolve) => { reachedSafePoint = resolve; });
    const lc = make(async () => { await safePoint; return lc.stopping ? "partial" : "whole"; });
    lc.process.start();
    expect(lc.stopping).toBe(false);
    lc.process.stop();
    expect(lc.stopping).toBe(true);
    // A stop is not a failure: paced loops finish their tick.
    expect(lc.signal.aborted).toBe(true);
    expect(lc.failureSignal.aborted).toBe(false);
    reachedSafePoint();
    expect(await lc.process.result).toBe("partial");
    expect(lc.process.getState().phase).toBe("stopped");
  });

  it("fails before start() at once, cleaning up and then releasing", async () => {
    const order: string[] = [];
    const lc = make(async () => "answer", order);
    const lost = new Error("arm on sim was lost");
    lc.fail(lost);
    await expect(lc.process.result).rejects.toBe(lost);
    expect(order).toEqual(["clean up", "release"]);
    expect(lc.failureSignal.reason).toBe(lost);
    expect(() => lc.throwIfFailed()).toThrow(lost);
    lc.process.start();
    expect(lc.process.getState()).toEqual({ phase: "failed", error: "arm on sim was lost" });
  });

  it("does not clean up after work that ended well", async () => {
    const order: string[] = [];
    const lc = make(async () => "answer", order);
    lc.process.start();
    await lc.process.result;
    expect(order).toEqual(["release"]);
    expect(() => lc.throwIfFailed()).not.toThrow();
  });

  it("fails when a watched arm's cable is pulled, naming the arm", async () => {
    const sim = openSimulatedArm("follower");
    const env = { HF_LEROBOT_HOME: home } as NodeJS.ProcessEnv;
    const arm = await connectArm({ type: "so101_follower", port: "sim", id: "watched" }, { simulator: sim, env });
    const lc: Lifecycle<ProcessState, string> = lifecycle<ProcessState, string>({
      state: { phase: "ready" }, run: () => unlessAborted(never<string>(), lc.signal),
      release: () => arm.disconnect(), stoppedResult: () => "nothing",
    });
    lc.watchArms([arm]);
    lc.process.start();
    sim.transport.faults.disconnect();
    await expect(lc.process.result).rejects.toThrow(/arm on sim was lost/);
    expect(lc.process.getState().phase).toBe("failed");
  });
});

describe("unlessAborted", () => {
  it("settles as the promise does while the signal holds", async () => {
    const signal = new AbortController().signal;
    expect(await unlessAborted(Promise.resolve(7), signal)).toBe(7);
    await expect(unlessAborted(Promise.reject(new Error("read failed")), signal)).rejects.toThrow("read failed");
  });

  it("rejects with the signal's reason when it aborts first, or has already", async () => {
    const abort = new AbortController();
    const waiting = unlessAborted(never<number>(), abort.signal);
    const reason = new ProcessStoppedError();
    abort.abort(reason);
    await expect(waiting).rejects.toBe(reason);
    await expect(unlessAborted(Promise.reject(new Error("later")), abort.signal)).rejects.toBe(reason);
  });
});

describe("sleep", () => {
  it("ends early, rejecting with the reason, when the signal aborts", async () => {
    const abort = new AbortController();
    const sleeping = sleep(3_600_000, abort.signal); // an hour: only the abort can end it
    abort.abort(new ProcessStoppedError());
    await expect(sleeping).rejects.toBeInstanceOf(ProcessStoppedError);
  });

  it("resolves after the time when nothing aborts it", async () => {
    await expect(sleep(1, new AbortController().signal)).resolves.toBeUndefined();
  });
});
