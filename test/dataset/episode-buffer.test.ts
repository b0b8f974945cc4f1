/** The episode being recorded: frames validated against the features, then kept column by column. */
import { describe, expect, it } from "vitest";
import { FrameValidationError } from "../../src/errors.js";
import { EpisodeBuffer, validateFrame } from "../../src/dataset/episode-buffer.js";
import type { Frame } from "../../src/dataset/episode-buffer.js";
import type { Feature } from "../../src/dataset/info.js";

const f = (dtype: string, shape: number[]): Feature => ({ dtype, shape, names: null }) as Feature;

const FEATURES: Record<string, Feature> = {
  "observation.state": f("float32", [3]),
  "observation.count": f("int64", [1]),
  "observation.flags": f("bool", [2]),
  note: f("string", [1]),
  "observation.images.top": f("image", [2, 4, 3]),
};

function frame(k: number, patch: Record<string, unknown> = {}): Frame {
  return {
    task: k % 2 ? "pick" : "place",
    "observation.state": [k, k + 0.5, -k],
    "observation.count": k * 1000,
    "observation.flags": [k % 2 === 0, 1],
    note: `frame ${k}`,
    "observation.images.top": new Uint8Array(2 * 4 * 3).fill(k % 256),
    ...patch,
  } as Frame;
}

/** The FrameValidationError validateFrame refuses `bad` with. */
function refused(bad: Record<string, unknown>, features: Record<string, Feature>): FrameValidationError {
  try {
    validateFrame(bad as Frame, features);
  } catch (error) {
    expect(error).toBeInstanceOf(FrameValidationError);
    return error as FrameValidationError;
  }
  throw new Error(`accepted ${JSON.stringify(Object.keys(bad))}`);
}

/** frame(0) with `patch` applied (an undefined value removes the key), refused. */
function refusal(patch: Record<string, unknown>): FrameValidationError {
  const bad = frame(0, patch) as Record<string, unknown>;
  for (const [key, value] of Object.entries(patch)) if (value === undefined) delete bad[key];
  return refused(bad, FEATURES);
}

describe("validateFrame: accepted frames", () => {
  it("converts each feature's value: numbers and bools to numbers, strings and images as given", () => {
    const image = new Uint8Array(24).fill(9);
    const out = validateFrame(frame(3, { "observation.images.top": image, "observation.flags": [true, 0] }), FEATURES);
    expect(out.task).toBe("pick");
    expect(out.numeric.get("observation.state")).toEqual([3, 3.5, -3]);
    expect(out.numeric.get("observation.count")).toEqual([3000]);
    expect(out.numeric.get("observation.flags")).toEqual([1, 0]);
    expect(out.strings.get("note")).toBe("frame 3");
    expect(out.images.get("observation.images.top")).toBe(image);
  });

  it("takes a typed array or a one-element array for a vector, and a bare number for shape [1]", () => {
    expect(validateFrame(frame(1, { "observation.state": new Float32Array([1, 2, 3]), "observation.count": [7] }), FEATURES).numeric.get("observation.count")).toEqual([7]);
  });
});

describe("validateFrame: refused frames", () => {
  it("needs an object with a non-empty task", () => {
    expect(() => validateFrame(null as unknown as Frame, FEATURES)).toThrow(FrameValidationError);
    expect(refusal({ task: "" }).feature).toBe("task");
    expect(refusal({ task: 3 }).feature).toBe("task");
  });

  it("refuses unknown and missing features, naming them", () => {
    const unknown = refusal({ gripper_force: 2 });
    expect(unknown.feature).toBe("gripper_force");
    expect(unknown.message).toMatch(/not a feature.*observation\.state/);
    expect(refusal({ note: undefined }).message).toMatch(/'note': is missing/);
  });

  it("refuses keys every object inherits (toString, constructor, ...) like any other unknown feature", () => {
    for (const key of ["toString", "constructor", "hasOwnProperty", "valueOf"]) {
      const error = refusal({ [key]: 1 });
      expect(error.feature, key).toBe(key);
      expect(error.message).toMatch(/not a feature/);
    }
  });

  it("refuses a vector of the wrong length or holding non-numbers, saying where", () => {
    expect(refusal({ "observation.state": [1, 2] }).message).toMatch(/shape \[3\] \(3 values\), got 2/);
    expect(refusal({ "observation.state": "1,2,3" }).message).toMatch(/got a string/);
    expect(refusal({ "observation.state": [1, "2", 3] }).message).toMatch(/float32 at position 1, got string 2/);
    expect(refusal({ "observation.state": [1, null, 3] }).message).toMatch(/position 1, got null/);
  });

  it("refuses integers out of their dtype's range and non-integers for integer dtypes", () => {
    const ints = { a: f("uint8", [1]), b: f("int8", [1]), c: f("int32", [1]), d: f("int64", [1]), e: f("uint64", [1]) };
    const ok = { a: 255, b: -128, c: 2147483647, d: Number.MAX_SAFE_INTEGER, e: 0 };
    expect(() => validateFrame({ task: "t", ...ok }, ints)).not.toThrow();
    for (const [key, value] of [["a", 256], ["a", -1], ["b", -129], ["c", 2147483648], ["c", 1.5], ["d", 2 ** 53], ["e", -1]] as const) {
      const error = refused({ task: "t", ...ok, [key]: value }, ints);
      expect(error.feature, `${key}=${value}`).toBe(key);
      expect(error.message).toContain(`got ${value}`);
    }
  });

  it("takes only true, false, 0 and 1 for bool", () => {
    expect(refusal({ "observation.flags": [2, 0] }).message).toMatch(/expected bool at position 0, got number 2/);
    expect(refusal({ "observation.flags": [true, "yes"] }).message).toMatch(/bool at position 1/);
  });

  it("refuses a string feature given something else, and a camera frame that is not RGB bytes of its size", () => {
    expect(refusal({ note: 5 }).message).toMatch(/expected a string, got number 5/);
    expect(refusal({ "observation.images.top": [1, 2, 3] }).message).toMatch(/Uint8Array of 2x4x3.*got an array of 3/);
    expect(refusal({ "observation.images.top": new Uint8Array(23) }).message).toMatch(/expected 24 bytes \(2x4x3 RGB\), got 23/);
    expect(refusal({ "observation.images.top": new Float32Array(24) }).message).toMatch(/got a Float32Array of 24/);
  });
});

describe("EpisodeBuffer", () => {
  it("keeps every frame's values in order, in columns of the feature's dtype, past its first capacity", () => {
    const buffer = new EpisodeBuffer(FEATURES);
    const n = 150; // more than the 64 frames a column starts with
    for (let k = 0; k < n; k++) buffer.append(validateFrame(frame(k), FEATURES), new Map([["observation.images.top", Uint8Array.of(k)]]));
    expect(buffer.size).toBe(n);
    const state = buffer.numericValues("observation.state");
    expect(state).toBeInstanceOf(Float32Array);
    expect(Array.from(state as Float32Array)).toEqual(Array.from({ length: n }, (_, k) => [k, k + 0.5, -k]).flat());
    const count = buffer.numericValues("observation.count");
    expect(count).toBeInstanceOf(BigInt64Array);
    expect(Array.from(count as BigInt64Array)).toEqual(Array.from({ length: n }, (_, k) => BigInt(k * 1000)));
    expect(Array.from(buffer.numericValues("observation.flags") as Uint8Array)).toEqual(Array.from({ length: n }, (_, k) => [k % 2 === 0 ? 1 : 0, 1]).flat());
    expect(buffer.stringValues("note")).toEqual(Array.from({ length: n }, (_, k) => `frame ${k}`));
    expect(buffer.imageValues("observation.images.top").map((png) => png[0])).toEqual(Array.from({ length: n }, (_, k) => k));
    expect(buffer.tasks).toEqual(Array.from({ length: n }, (_, k) => (k % 2 ? "pick" : "place")));
  });

  it("starts empty", () => {
    const buffer = new EpisodeBuffer({ "observation.images.front": f("video", [8, 8, 3]), x: f("float64", [1]), s: f("string", [1]) });
    expect(buffer.size).toBe(0);
    expect(buffer.numericValues("x")).toHaveLength(0);
    expect(buffer.stringValues("s")).toEqual([]);
    expect(buffer.tasks).toEqual([]);
  });
});
