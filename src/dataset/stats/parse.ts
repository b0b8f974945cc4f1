/** Validation of stats read from JSON (meta/stats.json). */
import { DatasetError } from "../../errors.js";
import { STAT_NAMES, sameShape } from "./types.js";
import type { DatasetStats, FeatureStats, Shape, StatName, StatValue } from "./types.js";

function isRecord(x: unknown): x is Record<string, unknown> {
  return typeof x === "object" && x !== null && !Array.isArray(x);
}

/** Parses one stat value; returns it with its shape, or a reason it is malformed. */
function parseStatValue(raw: unknown): { value: StatValue; shape: Shape } | string {
  if (!Array.isArray(raw) || raw.length === 0) return "must be a non-empty array";
  if (raw.every((x) => typeof x === "number")) {
    return { value: raw.slice() as number[], shape: { kind: "vector", length: raw.length } };
  }
  const out: number[][][] = [];
  for (const ch of raw) {
    const ok = Array.isArray(ch) && ch.length === 1 && Array.isArray(ch[0]) && ch[0].length === 1 && typeof ch[0][0] === "number";
    if (!ok) return "must be an array of numbers or of shape (channels, 1, 1)";
    out.push([[ch[0][0] as number]]);
  }
  return { value: out, shape: { kind: "image", channels: out.length } };
}

/** Parse stats.json content (unknown JSON) into DatasetStats, validating shapes; throws naming the feature and stat. */
export function parseStats(json: unknown): DatasetStats {
  if (!isRecord(json)) throw new DatasetError("stats: expected a JSON object of features");
  const out: DatasetStats = {};
  for (const [feature, rawStats] of Object.entries(json)) {
    const fail = (msg: string): never => {
      throw new DatasetError(`stats: feature '${feature}': ${msg}`);
    };
    if (feature === "__proto__") fail("invalid feature name");
    if (!isRecord(rawStats)) fail("expected an object of stats");
    const stats = rawStats as Record<string, unknown>;
    const parsed: Partial<Record<StatName, unknown>> = {};
    let shape: Shape | undefined;
    for (const name of STAT_NAMES) {
      const raw = stats[name];
      if (raw === undefined) {
        // LeRobot before v0.4 wrote no quantiles; v3.0 datasets converted from v2.1 still lack them.
        if (name.startsWith("q")) continue;
        fail(`missing '${name}'`);
      }
      if (name === "count") {
        const ok = Array.isArray(raw) && raw.length === 1 && Number.isInteger(raw[0]) && (raw[0] as number) >= 0;
        if (!ok) fail(`'count' must be [non-negative integer], got ${JSON.stringify(raw)}`);
        parsed.count = [(raw as number[])[0]];
        continue;
      }
      const result = parseStatValue(raw);
      if (typeof result === "string") return fail(`'${name}' ${result}`);
      if (shape === undefined) shape = result.shape;
      else if (!sameShape(shape, result.shape)) fail(`'${name}' has a different shape than 'min'`);
      parsed[name] = result.value;
    }
    out[feature] = parsed as FeatureStats;
  }
  return out;
}
