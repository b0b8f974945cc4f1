/** parseStats: meta/stats.json read back and checked, with errors naming the feature and the stat. */
import { describe, expect, it } from "vitest";
import { ImageStatsAccumulator } from "../../../src/dataset/stats/image.js";
import { computeNumericStats } from "../../../src/dataset/stats/numeric.js";
import { parseStats } from "../../../src/dataset/stats/parse.js";
import type { DatasetStats } from "../../../src/dataset/stats/types.js";

describe("parseStats", () => {
  function sample(): DatasetStats {
    const img = new ImageStatsAccumulator(4, 4);
    img.push(new Uint8Array(48).fill(77));
    img.push(new Uint8Array(48).fill(3));
    return {
      "observation.state": computeNumericStats(new Float32Array([0.5, 1, -2, 3, 4, 5]), 3),
      "observation.images.front": img.result(),
      task_index: computeNumericStats(new BigInt64Array(10), 1),
    };
  }

  it("round-trips JSON.stringify(stats)", () => {
    const stats = sample();
    const parsed = parseStats(JSON.parse(JSON.stringify(stats)));
    expect(parsed).toEqual(stats);
  });

  it("rejects a feature with a missing 'mean', naming the feature and the stat", () => {
    const json = JSON.parse(JSON.stringify(sample())) as Record<string, Record<string, unknown>>;
    delete json["observation.state"]!.mean;
    expect(() => parseStats(json)).toThrow(/observation\.state.*'mean'/);
  });

  it("rejects bad shapes and counts", () => {
    const base = (): Record<string, Record<string, unknown>> => JSON.parse(JSON.stringify(sample())) as Record<string, Record<string, unknown>>;
    const wrongLen = base();
    wrongLen["observation.state"]!.q50 = [1, 2];
    expect(() => parseStats(wrongLen)).toThrow(/observation\.state.*'q50'/);
    const badImage = base();
    badImage["observation.images.front"]!.std = [[1], [2], [3]];
    expect(() => parseStats(badImage)).toThrow(/observation\.images\.front.*'std'/);
    const badCount = base();
    badCount.task_index!.count = [1.5];
    expect(() => parseStats(badCount)).toThrow(/task_index.*'count'/);
    expect(() => parseStats([])).toThrow();
  });
});

describe("parseStats on stats LeRobot wrote before quantiles", () => {
  it("accepts a feature without q01..q99 and leaves them out, but still requires min, max, mean, std and count", () => {
    const old = { "observation.state": { min: [0, 1], max: [2, 3], mean: [1, 2], std: [0.5, 0.5], count: [10] } };
    expect(parseStats(old)).toEqual(old);
    for (const name of ["min", "max", "mean", "std", "count"]) {
      const stats: Record<string, unknown> = { ...old["observation.state"] };
      delete stats[name];
      expect(() => parseStats({ "observation.state": stats }), name).toThrow(new RegExp(`observation\\.state.*missing '${name}'`));
    }
  });

  it("refuses a feature named __proto__ rather than writing onto the result's prototype", () => {
    const json = JSON.parse('{"__proto__": {"min": [0], "max": [1], "mean": [0.5], "std": [0.1], "count": [2]}}') as unknown;
    expect(() => parseStats(json)).toThrow(/invalid feature name/);
  });
});
