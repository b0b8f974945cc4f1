/** Flag value parsing shared by the commands: a bad value is a UsageError (exit 2) naming the flag. */
import { describe, expect, it } from "vitest";
import { UsageError } from "../../src/cli/errors.js";
import { parseBoolFlag, parseIntFlag } from "../../src/cli/flags.js";

describe("parseIntFlag", () => {
  it("reads integers at or above the minimum", () => {
    expect(parseIntFlag("fps", "30", 1)).toBe(30);
    expect(parseIntFlag("fps", "1", 1)).toBe(1);
    expect(parseIntFlag("offset", "-4")).toBe(-4);
  });

  it("refuses fractions, words, empty text and values below the minimum, naming the flag", () => {
    for (const bad of ["2.5", "fast", "0", "-1", "1e400", "", " "]) {
      expect(() => parseIntFlag("fps", bad, 1)).toThrow(UsageError);
      expect(() => parseIntFlag("fps", bad, 1)).toThrow(`--fps must be an integer >= 1, got '${bad}'`);
    }
    // Empty text is no number, not zero, even where zero is allowed (a PID gain, --head).
    expect(() => parseIntFlag("robot.position_p_coefficient", "", 0)).toThrow(UsageError);
  });
});

describe("parseBoolFlag", () => {
  it("reads LeRobot's spellings of true and false in any case", () => {
    for (const yes of ["true", "True", "TRUE", "1", "yes", "Yes"]) expect(parseBoolFlag("x", yes, false)).toBe(true);
    for (const no of ["false", "False", "0", "no", "NO"]) expect(parseBoolFlag("x", no, true)).toBe(false);
  });

  it("gives the fallback when the flag is absent and a commander boolean as it is", () => {
    expect(parseBoolFlag("x", undefined, true)).toBe(true);
    expect(parseBoolFlag("x", undefined, false)).toBe(false);
    expect(parseBoolFlag("x", true, false)).toBe(true);
    expect(parseBoolFlag("x", false, true)).toBe(false);
  });

  it("refuses anything else, naming the flag", () => {
    expect(() => parseBoolFlag("dataset.video", "maybe", true)).toThrow(new UsageError("--dataset.video must be true or false, got 'maybe'"));
    expect(() => parseBoolFlag("dataset.video", "", true)).toThrow(UsageError);
  });
});
