/** Flag value parsing shared by commands; bad values are usage errors (exit 2) naming the flag. */
import { UsageError } from "./errors.js";

export function parseIntFlag(name: string, value: string, min = Number.MIN_SAFE_INTEGER): number {
  const n = Number(value);
  // Number("") is 0: an empty value (`--head=`, `1,,2`) must not pass as zero.
  if (value.trim() === "" || !Number.isInteger(n) || n < min) throw new UsageError(`--${name} must be an integer >= ${min}, got '${value}'`);
  return n;
}

/** LeRobot's booleans: true/false in any case, also 1/0 and yes/no. */
export function parseBoolFlag(name: string, value: string | boolean | undefined, fallback: boolean): boolean {
  if (value === undefined) return fallback;
  if (typeof value === "boolean") return value;
  const v = value.toLowerCase();
  if (["true", "1", "yes"].includes(v)) return true;
  if (["false", "0", "no"].includes(v)) return false;
  throw new UsageError(`--${name} must be true or false, got '${value}'`);
}
