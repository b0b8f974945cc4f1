/** checkFeatureSpecs: the features a new dataset declares, refused or completed as LeRobot's create() does. */
import { describe, expect, it } from "vitest";
import { FrameValidationError } from "../../src/errors.js";
import { checkFeatureSpecs } from "../../src/dataset/feature-specs.js";
import type { FeatureSpec } from "../../src/dataset/feature-specs.js";
import { DEFAULT_FEATURES } from "../../src/dataset/info.js";

/** The FrameValidationError a spec is refused with. */
function refusal(specs: Record<string, FeatureSpec>): FrameValidationError {
  try {
    checkFeatureSpecs(specs, true);
  } catch (error) {
    expect(error).toBeInstanceOf(FrameValidationError);
    return error as FrameValidationError;
  }
  throw new Error("accepted");
}

describe("checkFeatureSpecs: accepted features", () => {
  it("keeps the user's features in order and appends timestamp, frame_index, episode_index, index, task_index", () => {
    const out = checkFeatureSpecs({
      "observation.state": { dtype: "float32", shape: [6], names: ["a", "b", "c", "d", "e", "f"] },
      "observation.count": { dtype: "int64", shape: [1] },
      note: { dtype: "string", shape: [1] },
    }, true);
    expect(Object.keys(out)).toEqual(["observation.state", "observation.count", "note", ...Object.keys(DEFAULT_FEATURES)]);
    expect(out["observation.state"]).toEqual({ dtype: "float32", shape: [6], names: ["a", "b", "c", "d", "e", "f"] });
    // names left out become null, as LeRobot writes them.
    expect(out["observation.count"]).toEqual({ dtype: "int64", shape: [1], names: null });
    expect(out.timestamp).toEqual(DEFAULT_FEATURES.timestamp);
    // The defaults are copies: changing a dataset's features cannot change the next dataset's.
    expect(out.timestamp).not.toBe(DEFAULT_FEATURES.timestamp);
  });

  it("gives a camera its default names and info {is_depth_map: false}, as video or, without videos, as image", () => {
    const specs = { "observation.images.front": { dtype: "video", shape: [480, 640, 3] } };
    expect(checkFeatureSpecs(specs, true)["observation.images.front"])
      .toEqual({ dtype: "video", shape: [480, 640, 3], names: ["height", "width", "channels"], info: { is_depth_map: false } });
    expect(checkFeatureSpecs(specs, false)["observation.images.front"]!.dtype).toBe("image");
    expect(checkFeatureSpecs({ cam: { dtype: "image", shape: [8, 8, 3] } }, true).cam!.dtype).toBe("image");
  });

  it("copies the shape, so the caller's array can change afterwards", () => {
    const shape = [6];
    const out = checkFeatureSpecs({ action: { dtype: "float32", shape } }, true);
    shape[0] = 7;
    expect(out.action!.shape).toEqual([6]);
  });
});

describe("checkFeatureSpecs: refused features", () => {
  it("refuses names LeRobot refuses or reserves, naming the feature", () => {
    expect(refusal({ "observation/state": { dtype: "float32", shape: [6] } }).message).toMatch(/contains '\/'/);
    for (const key of Object.keys(DEFAULT_FEATURES)) expect(refusal({ [key]: { dtype: "int64", shape: [1] } }).feature).toBe(key);
    expect(refusal({ index: { dtype: "int64", shape: [1] } }).message).toMatch(/added by the writer/);
    expect(refusal({ task: { dtype: "string", shape: [1] } }).message).toMatch(/reserved/);
  });

  it("refuses shapes that are not positive integers", () => {
    for (const shape of [[0], [-1], [1.5], [] as number[]]) {
      const error = refusal({ action: { dtype: "float32", shape } });
      if (shape.length > 0) expect(error.message).toMatch(/positive integers/);
    }
    expect(refusal({ action: { dtype: "float32" } as unknown as FeatureSpec }).message).toMatch(/positive integers/);
  });

  it("refuses a camera not shaped [height, width, 3]", () => {
    expect(refusal({ cam: { dtype: "video", shape: [480, 640] } }).message).toMatch(/\[height, width, 3\], got \[480, 640\]/);
    expect(refusal({ cam: { dtype: "image", shape: [480, 640, 4] } }).message).toMatch(/got \[480, 640, 4\]/);
  });

  it("refuses what the writer cannot write yet: float16, multi-dimensional vectors, language columns, unknown dtypes", () => {
    expect(refusal({ a: { dtype: "float16", shape: [2] } }).message).toMatch(/float16.*use float32/);
    // The message says how to flatten: [2, 3] -> [6].
    expect(refusal({ a: { dtype: "float32", shape: [2, 3] } }).message).toMatch(/flatten it to \[6\]/);
    expect(refusal({ language_events: { dtype: "language", shape: [1] } }).message).toMatch(/annotation pipeline/);
    expect(refusal({ a: { dtype: "complex64", shape: [1] } }).message).toMatch(/unknown dtype 'complex64'/);
  });
});
