/**
 * stats.json as LeRobot v0.6 writes it: every statistic but `count` is a float, integral or not
 * (compute_stats.py RunningQuantileStats.update promotes integer batches to float64, and
 * io_utils.py write_stats dumps the arrays' float values), so `min` of an int64 feature is
 * `[0.0]`, not `[0]`. Python reading `[0]` back would build an int64 array instead.
 */
import { PythonFloat, toPythonJson } from "../python-json.js";
import type { DatasetStats } from "./types.js";

function asFloats(value: unknown): unknown {
  if (typeof value === "number") return new PythonFloat(value);
  if (Array.isArray(value)) return value.map(asFloats);
  return value;
}

export function statsToPythonJson(stats: DatasetStats): string {
  const out: Record<string, Record<string, unknown>> = {};
  for (const [feature, featureStats] of Object.entries(stats)) {
    out[feature] = Object.fromEntries(
      Object.entries(featureStats).map(([name, value]) => [name, name === "count" ? value : asFloats(value)]),
    );
  }
  return toPythonJson(out);
}
