/** src/dataset/stats.ts re-exports the stats modules: callers get the very functions those define. */
import { describe, expect, it } from "vitest";
import * as stats from "../../src/dataset/stats.js";
import { aggregateFeatureStats, aggregateStats } from "../../src/dataset/stats/aggregate.js";
import { ImageStatsAccumulator } from "../../src/dataset/stats/image.js";
import { statsToPythonJson } from "../../src/dataset/stats/json.js";
import { computeNumericStats } from "../../src/dataset/stats/numeric.js";
import { parseStats } from "../../src/dataset/stats/parse.js";
import { QUANTILES, STAT_NAMES } from "../../src/dataset/stats/types.js";

describe("dataset/stats", () => {
  it("re-exports every stats function and constant, and nothing of the modules' internals", () => {
    expect({ ...stats }).toEqual({
      STAT_NAMES, QUANTILES, computeNumericStats, ImageStatsAccumulator, aggregateFeatureStats, aggregateStats, parseStats, statsToPythonJson,
    });
    expect(stats.computeNumericStats).toBe(computeNumericStats);
    expect(stats.ImageStatsAccumulator).toBe(ImageStatsAccumulator);
  });
});
