/**
 * The library's typed errors: the CLI tells them apart by class and prints the file they name,
 * so each must keep its class chain, name, file and cause.
 */
import { describe, expect, it } from "vitest";
import { DatasetError, FrameValidationError, VideoError } from "../src/errors.js";

describe("DatasetError", () => {
  it("carries the file and the cause it was given, and is an Error named DatasetError", () => {
    const cause = new Error("ENOENT");
    const error = new DatasetError("meta/info.json not found", { file: "/data/meta/info.json", cause });
    expect(error).toBeInstanceOf(Error);
    expect(error.name).toBe("DatasetError");
    expect(error.message).toBe("meta/info.json not found");
    expect(error.file).toBe("/data/meta/info.json");
    expect(error.cause).toBe(cause);
  });

  it("has no file and no cause property when none is given", () => {
    const error = new DatasetError("bad");
    expect(error.file).toBeUndefined();
    // No `cause: undefined` key: Node prints an error's cause when the key exists.
    expect("cause" in error).toBe(false);
  });
});

describe("FrameValidationError", () => {
  it("is a DatasetError naming the feature, in its message and as a property", () => {
    const error = new FrameValidationError("observation.state", "expected 6 values, got 5");
    expect(error).toBeInstanceOf(DatasetError);
    expect(error.name).toBe("FrameValidationError");
    expect(error.feature).toBe("observation.state");
    expect(error.message).toBe("feature 'observation.state': expected 6 values, got 5");
    expect(error.file).toBeUndefined();
  });
});

describe("VideoError", () => {
  it("is not a DatasetError, and carries its file and cause", () => {
    const cause = new Error("exit 1");
    const error = new VideoError("ffmpeg failed", { file: "/x.mp4", cause });
    expect(error).toBeInstanceOf(Error);
    expect(error).not.toBeInstanceOf(DatasetError);
    expect(error.name).toBe("VideoError");
    expect([error.file, error.cause]).toEqual(["/x.mp4", cause]);
    expect("cause" in new VideoError("no ffmpeg")).toBe(false);
  });
});
