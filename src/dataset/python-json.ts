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

/**
 * A number Python holds as a float: json.dump writes it with a fraction even when it is whole
 * (`0.0`, not `0`), and json.load gives it back as a float, so numpy arrays built from it are
 * float64 rather than int64. Wrap values that must stay floats (stats) in this.
 */
export class PythonFloat {
  constructor(readonly value: number) {}
  toJSON(): string {
    return `${MARK}float:${this.value}`;
  }
}

/** JSON text as Python's json.dump(indent=4) lays it out (non-finite numbers as NaN / Infinity). */
export function toPythonJson(value: unknown): string {
  let marked = false;
  const text = JSON.stringify(value, (_key, v: unknown) => {
    if (typeof v === "number" && !Number.isFinite(v)) {
      marked = true;
      return MARK + (Number.isNaN(v) ? "NaN" : v > 0 ? "Infinity" : "-Infinity");
    }
    if (typeof v === "string" && v.startsWith(MARK)) marked = true;
    return v;
  }, 4);
  if (!marked) return text;
  return text.replace(new RegExp(`"${MARK}(?:float:)?(NaN|Infinity|-Infinity|[-+0-9.e]+)"`, "g"), (_m, token: string) =>
    /^-?\d+$/.test(token) ? `${token}.0` : token,
  );
}
