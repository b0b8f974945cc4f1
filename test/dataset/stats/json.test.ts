/** statsToPythonJson: stats.json as LeRobot v0.6 writes it, every stat but count a float. */
import { describe, expect, it } from "vitest";
import { statsToPythonJson } from "../../../src/dataset/stats/json.js";
import { parsePythonJson } from "../../../src/dataset/python-json.js";
import type { DatasetStats } from "../../../src/dataset/stats/types.js";

const stats: DatasetStats = {
  task_index: { min: [0], max: [3], mean: [1.5], std: [0.5], count: [40], q01: [0], q10: [0], q50: [2], q90: [3], q99: [3] },
  "observation.images.front": {
    min: [[[0]], [[0]], [[0]]], max: [[[1]], [[1]], [[1]]], mean: [[[0.5]], [[0.25]], [[0.125]]], std: [[[0]], [[0]], [[0]]], count: [7],
  },
};

describe("statsToPythonJson", () => {
  it("writes whole stat values as floats (0.0, not 0) so Python reads float64, and count as an integer", () => {
    const text = statsToPythonJson(stats);
    expect(text).toMatch(/"min": \[\s*0\.0\s*\]/);
    expect(text).toMatch(/"max": \[\s*3\.0\s*\]/);
    expect(text).toMatch(/"count": \[\s*40\s*\]/);
    expect(text).toMatch(/"count": \[\s*7\s*\]/);
    // Image stats keep their (3, 1, 1) nesting, floats inside.
    expect(text).toMatch(/"max": \[\s*\[\s*\[\s*1\.0\s*\]\s*\]/);
    // No whole number left bare except the counts.
    const bare = [...text.matchAll(/[[,]\s*(-?\d+)\s*[\],]/g)].map((m) => m[1]);
    expect(bare).toEqual(["40", "7"]);
  });

  it("reads back to the same numbers, quantiles left out where the input had none", () => {
    expect(parsePythonJson(statsToPythonJson(stats))).toEqual(stats);
  });

  it("keeps NaN and infinities as Python's bare tokens", () => {
    const text = statsToPythonJson({ x: { min: [NaN], max: [Infinity], mean: [-Infinity], std: [0.5], count: [1] } });
    expect(text).toMatch(/"min": \[\s*NaN\s*\]/);
    expect(text).toMatch(/"max": \[\s*Infinity\s*\]/);
    expect(text).toMatch(/"mean": \[\s*-Infinity\s*\]/);
  });
});
