/**
 * JSON as Python's json.dump writes it: like JSON, plus bare NaN, Infinity and -Infinity, which
 * LeRobot writes into stats.json when the data holds them. JSON.parse rejects those tokens and
 * JSON.stringify turns the numbers into null; these two keep them, as Python does.
 */

const SENTINELS: Record<string, number> = { NaN: Number.NaN, Infinity: Number.POSITIVE_INFINITY, "-Infinity": Number.NEGATIVE_INFINITY };
// A private-use character: JSON.stringify leaves it as it is, and no real text starts with it.
const MARK = "\uE000lerobot-ts-nonfinite:";

/** Parse JSON text, turning Python's non-finite number tokens into the JS numbers they stand for. */
export function parsePythonJson(text: string): unknown {
  let out = "";
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (inString) {
      out += c;
      if (c === "\\") out += text[++i] ?? "";
      else if (c === '"') inString = false;
      continue;
    }
    if (c === '"') {
      inString = true;
      out += c;
      continue;
    }
    const token = ["-Infinity", "Infinity", "NaN"].find((t) => text.startsWith(t, i));
    if (token) {
      out += JSON.stringify(MARK + token);
      i += token.length - 1;
      continue;
    }
    out += c;
  }
  return JSON.parse(out, (_key, value: unknown) =>
    typeof value === "string" && value.startsWith(MARK) ? SENTINELS[value.slice(MARK.length)] : value,
  );
}

/** JSON text as Python's json.dump(indent=4) lays it out (non-finite numbers as NaN / Infinity). */
export function toPythonJson(value: unknown): string {
  let hasNonFinite = false;
  const text = JSON.stringify(value, (_key, v: unknown) => {
    if (typeof v === "number" && !Number.isFinite(v)) {
      hasNonFinite = true;
      return MARK + (Number.isNaN(v) ? "NaN" : v > 0 ? "Infinity" : "-Infinity");
    }
    return v;
  }, 4);
  return hasNonFinite ? text.replace(new RegExp(`"${MARK}(NaN|Infinity|-Infinity)"`, "g"), "$1") : text;
}
