/**
 * record --display_data: the live view of phase, counters, late frames and joints, redrawn in
 * place at a terminal at most 5 times a second. Date is faked to step past the 200 ms limit.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import type { RecordState, RecordTick } from "../../src/processes/index.js";
import { recordView } from "../../src/cli/record-view.js";
import { textStream } from "../helpers/text-stream.js";

const state = (over: Partial<RecordState> = {}): RecordState => ({
  phase: "recording", episode: 2, episodesSaved: 1, frames: 45, phaseElapsedS: 1.5, loopHz: 30, overruns: 3,
  lateFrames: { front: 4 }, rerecorded: 0, error: undefined, ...over,
});

const tick = (action: Record<string, number>, observation: Record<string, number>): RecordTick => ({
  tick: 7, phase: "recording", episode: 2, frameIndex: 7, observation, action, cameraSequences: {}, startedAtMs: 0, lateMs: 0,
});

beforeEach(() => {
  vi.useFakeTimers({ toFake: ["Date"] });
  vi.setSystemTime(100_000);
});
afterEach(() => vi.useRealTimers());

describe("recordView", () => {
  it("draws the phase line, late frames per camera and a joint table of action and state", () => {
    const out = textStream({ tty: false });
    const view = recordView(out, ["front", "top"]);
    view.tick(tick({ "shoulder_pan.pos": 1.234, "gripper.pos": -50 }, { "shoulder_pan.pos": 1.5 }));
    view.state(state());
    view.close();
    expect(out.text.split("\n")).toEqual([
      "RECORDING  episode 2  1.5 s  frames 45  saved 1  loop 30 Hz  overruns 3",
      "late frames: front 4, top 0",
      `${"JOINT".padEnd(18)}    ACTION     STATE`,
      `${"shoulder_pan.pos".padEnd(18)}      1.23      1.50`,
      // A joint the follower did not report shows NaN rather than a made-up number.
      `${"gripper.pos".padEnd(18)}    -50.00       NaN`,
      "",
    ]);
  });

  it("says so when there are no cameras, and draws nothing before the first state", () => {
    const out = textStream({ tty: false });
    const view = recordView(out, []);
    view.tick(tick({ a: 1 }, { a: 1 }));
    expect(out.text).toBe("");
    vi.setSystemTime(100_300);
    view.state(state({ phase: "resetting" }));
    expect(out.text).toMatch(/^RESETTING .*\nlate frames: no cameras\n/);
  });

  it("redraws at most every 200 ms, and once more at close with the latest state", () => {
    const out = textStream({ tty: false });
    const view = recordView(out, []);
    view.state(state({ frames: 1 }));
    vi.setSystemTime(100_150);
    view.state(state({ frames: 2 }));
    vi.setSystemTime(100_200);
    view.state(state({ frames: 3 }));
    vi.setSystemTime(100_250);
    view.state(state({ frames: 4 }));
    view.close();
    // Closed: nothing more, however much later.
    view.close();
    vi.setSystemTime(101_000);
    view.state(state({ frames: 5 }));
    const frames = [...out.text.matchAll(/frames (\d+)/g)].map((m) => Number(m[1]));
    expect(frames).toEqual([1, 3, 4]);
  });

  it("at a terminal moves up over the previous drawing and clears each line", () => {
    const out = textStream({ tty: true });
    const view = recordView(out, ["front"]);
    view.state(state());
    view.close();
    expect(out.writes[0]!.split("\n")).toEqual(["\x1b[2KRECORDING  episode 2  1.5 s  frames 45  saved 1  loop 30 Hz  overruns 3", "\x1b[2Klate frames: front 4", ""]);
    expect(out.writes[1]).toBe("\x1b[2A");
  });
});
