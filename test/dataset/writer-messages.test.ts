/**
 * Errors across the writer thread: serializeError on the worker side, structured-cloned as
 * postMessage does, deserializeError on the main side, must give back the library's classes.
 */
import { describe, expect, it } from "vitest";
import { DatasetError, FrameValidationError, VideoError } from "../../src/errors.js";
import { deserializeError, serializeError } from "../../src/dataset/writer-messages.js";

/** The trip an error takes from the worker to the caller. */
const across = (error: unknown) => deserializeError(structuredClone(serializeError(error)));

describe("serializeError", () => {
  it("keeps name, message, stack and the file, feature and code fields, as plain data", () => {
    const error = Object.assign(new DatasetError("disk full", { file: "/d/meta/info.json" }), { code: "ENOSPC" });
    const out = serializeError(error);
    expect(out).toEqual({ name: "DatasetError", message: "disk full", file: "/d/meta/info.json", code: "ENOSPC", stack: error.stack });
    expect(serializeError(new FrameValidationError("action", "bad")).feature).toBe("action");
  });

  it("turns a thrown non-Error into an Error's message", () => {
    expect(serializeError("a string")).toEqual({ name: "Error", message: "a string" });
    expect(serializeError(42)).toEqual({ name: "Error", message: "42" });
  });

  it("leaves out fields that are not strings", () => {
    const out = serializeError(Object.assign(new Error("x"), { file: 3, code: 17, feature: null }));
    expect(Object.keys(out).sort()).toEqual(["message", "name", "stack"]);
  });
});

describe("deserializeError", () => {
  it("gives a FrameValidationError back with its feature and its exact message", () => {
    const back = across(new FrameValidationError("observation.state", "expected shape [6] (6 values), got 3"));
    expect(back).toBeInstanceOf(FrameValidationError);
    expect(back).toBeInstanceOf(DatasetError);
    expect((back as FrameValidationError).feature).toBe("observation.state");
    expect(back.message).toBe("feature 'observation.state': expected shape [6] (6 values), got 3");
  });

  it("gives DatasetError and VideoError back as themselves, with their file", () => {
    const dataset = across(new DatasetError("no dataset", { file: "/x" }));
    expect(dataset).toBeInstanceOf(DatasetError);
    expect((dataset as DatasetError).file).toBe("/x");
    expect(dataset.message).toBe("no dataset");
    const video = across(new VideoError("ffmpeg failed", { file: "/x/a.mp4" }));
    expect(video).toBeInstanceOf(VideoError);
    expect((video as VideoError).file).toBe("/x/a.mp4");
    expect((across(new VideoError("no ffmpeg")) as VideoError).file).toBeUndefined();
  });

  it("gives any other error back as an Error with its name, code and the worker's stack", () => {
    const system = Object.assign(new Error("EACCES: permission denied, open '/d/x'"), { code: "EACCES" });
    const back = across(system);
    expect(back.constructor).toBe(Error);
    expect((back as NodeJS.ErrnoException).code).toBe("EACCES");
    expect(back.stack).toBe(system.stack);
    const typeError = across(new TypeError("not a function"));
    expect(typeError.name).toBe("TypeError");
    expect(typeError.message).toBe("not a function");
    expect(across("thrown text").name).toBe("Error");
  });

  it("does not make a FrameValidationError without a feature (a foreign error of that name)", () => {
    const back = deserializeError({ name: "FrameValidationError", message: "odd" });
    expect(back).not.toBeInstanceOf(FrameValidationError);
    expect(back.name).toBe("FrameValidationError");
    expect(back.message).toBe("odd");
  });
});
