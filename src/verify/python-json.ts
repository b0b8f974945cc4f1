/**
 * JSON as Python's json.dump writes it: like JSON, plus bare NaN, Infinity and -Infinity, which
 * LeRobot can write into stats.json. JSON.parse rejects them; verify must see them to report them.
 */

const SENTINELS: Record<string, number> = { NaN: Number.NaN, Infinity: Number.POSITIVE_INFINITY, "-Infinity": Number.NEGATIVE_INFINITY };
const MARK = "\u0000lerobot-ts-nonfinite:";

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
