/**
 * Per-feature statistics as LeRobot stores them (`meta/stats.json` and the `stats/...` columns of
 * the episodes parquet): min, max, mean, population std, count and the quantiles q01..q99.
 */
export { STAT_NAMES, QUANTILES } from "./types.js";
export type { CompleteFeatureStats, DatasetStats, FeatureStats, NumericArray, QuantileName, StatName, StatValue } from "./types.js";
export { computeNumericStats } from "./numeric.js";
export { ImageStatsAccumulator } from "./image.js";
export { aggregateFeatureStats, aggregateStats } from "./aggregate.js";
export { parseStats } from "./parse.js";
export { statsToPythonJson } from "./json.js";
