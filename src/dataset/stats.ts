/**
 * Per-feature dataset statistics (min, max, mean, std, count, q01..q99), computed and aggregated
 * the way LeRobot does. The implementation lives in ./stats/; this module re-exports it.
 */
export * from "./stats/index.js";
