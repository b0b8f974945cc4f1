/**
 * JSON as Python's json module reads and writes it: NaN and the infinities as bare tokens, and
 * floats that stay floats (`0.0`), which LeRobot's stats.json depends on.
 */
import { describe, expect, it } from "vitest";
import { PythonFloat, parsePythonJson, toPythonJson } from "../../src/dataset/python-json.js";

describe("parsePythonJson", () => {
  it("reads bare NaN, Infinity and -Infinity as the JS numbers", () => {
    expect(parsePythonJson('{"min": [NaN, -Infinity], "max": [Infinity, 1.5]}')).toEqual({
      min: [Number.NaN, Number.NEGATIVE_INFINITY], max: [Number.POSITIVE_INFINITY, 1.5],
    });
  });

  it("leaves the same words inside strings as text, escaped quotes included", () => {
    expect(parsePythonJson('{"NaN": "Infinity \\" NaN", "k": "-Infinity"}')).toEqual({ NaN: 'Infinity " NaN', k: "-Infinity" });
  });

  it("reads plain JSON as JSON.parse does, and rejects what is not JSON", () => {
    const text = '{"a": [1, 2.5, -3e2], "b": null, "c": {"d": true}}';
    expect(parsePythonJson(text)).toEqual(JSON.parse(text));
    expect(() => parsePythonJson("{nan}")).toThrow();
  });
});

describe("toPythonJson", () => {
  it("lays out like json.dump(indent=4)", () => {
    expect(toPythonJson({ a: [1, 2], b: "x" })).toBe('{\n    "a": [\n        1,\n        2\n    ],\n    "b": "x"\n}');
  });

  it("writes non-finite numbers as Python's bare tokens, not null", () => {
    expect(toPythonJson([Number.NaN, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY, 1]))
      .toBe("[\n    NaN,\n    Infinity,\n    -Infinity,\n    1\n]");
  });

  it("writes a PythonFloat with a fraction even when whole, and as it is otherwise", () => {
    expect(toPythonJson({ mean: new PythonFloat(0), std: new PythonFloat(-3), q: new PythonFloat(0.25), big: new PythonFloat(1e21) }))
      .toBe('{\n    "mean": 0.0,\n    "std": -3.0,\n    "q": 0.25,\n    "big": 1e+21\n}');
    // An ordinary whole number stays an int, as Python writes an int.
    expect(toPythonJson({ count: 5 })).toBe('{\n    "count": 5\n}');
  });

  it("round-trips through parsePythonJson, non-finite values included", () => {
    const value = { stats: { min: [Number.NaN, -1.5], max: [Number.POSITIVE_INFINITY, 2] }, text: "NaN" };
    expect(parsePythonJson(toPythonJson(value))).toEqual(value);
  });
});
