/** The data pass's per-episode signals: calibration bounds, summaries, and one-frame jumps. */
import { describe, expect, it } from "vitest";
import { calibrationBounds, findJumps, summarize } from "../../src/verify/signals.js";

describe("calibrationBounds", () => {
  it("bounds joints to -100..100 and the gripper to 0..100, and nothing else", () => {
    expect(calibrationBounds("elbow_flex.pos")).toEqual([-100, 100]);
    expect(calibrationBounds("gripper.pos")).toEqual([0, 100]);
    expect(calibrationBounds("elbow_flex.vel")).toBeUndefined();
    expect(calibrationBounds("x")).toBeUndefined();
  });
});

describe("summarize", () => {
  // Three rows of two dimensions, row-major.
  const values = Float32Array.from([1, -100, 5, -100, NaN, 3]);

  it("gives min, max, sum and finite count per dimension over the rows asked for", () => {
    const s = summarize(values, 2, 0, 3);
    expect(s.dim).toBe(2);
    expect(Array.from(s.min)).toEqual([1, -100]);
    expect(Array.from(s.max)).toEqual([5, 3]);
    expect(Array.from(s.sum)).toEqual([6, -197]);
    expect(Array.from(s.count)).toEqual([2, 3]);
    expect(s.boundHits).toBeUndefined();
    expect(Array.from(summarize(values, 2, 1, 2).min)).toEqual([5, -100]);
  });

  it("counts frames at a calibration bound and the longest run of them", () => {
    const s = summarize(Float32Array.from([100, 0, 100, 0, 3, 0, 100, 5]), 2, 0, 4, [[-100, 100], undefined]);
    expect(Array.from(s.boundHits!)).toEqual([3, 0]);
    expect(Array.from(s.boundRun!)).toEqual([2, 0]);
  });
});

describe("findJumps", () => {
  /** A smooth ramp of `n` frames in one dimension. */
  const ramp = (n: number) => Float32Array.from({ length: n }, (_, i) => i * 0.5 + Math.sin(i) * 0.1);

  it("finds a one-frame spike, with where it lands and its size", () => {
    const v = ramp(60);
    v[30]! += 100;
    const jumps = findJumps(v, 1, 0, 60);
    expect(jumps).toHaveLength(1);
    expect(jumps[0]).toMatchObject({ dimension: 0, frame: 30 });
    expect(jumps[0]!.delta).toBeCloseTo(100 + 0.5 + (Math.sin(30) - Math.sin(29)) * 0.1, 3);
  });

  it("finds nothing in smooth motion, nor in fewer than three frames", () => {
    expect(findJumps(ramp(60), 1, 0, 60)).toEqual([]);
    expect(findJumps(Float32Array.from([0, 100]), 1, 0, 2)).toEqual([]);
  });

  it("looks only at the rows of the episode asked for", () => {
    const v = ramp(60);
    v[50]! += 100;
    expect(findJumps(v, 1, 0, 40)).toEqual([]);
    expect(findJumps(v, 1, 40, 60).map((j) => j.frame)).toEqual([10]);
  });
});
