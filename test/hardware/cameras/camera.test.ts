/** CameraError: the error every camera fails with, naming the camera a user has to look at. */
import { describe, expect, it } from "vitest";
import { CameraError } from "../../../src/hardware/cameras/camera.js";
import { openCamera } from "../../../src/hardware/cameras/open-camera.js";

describe("CameraError", () => {
  it("is an Error named CameraError that carries the camera's name", () => {
    const error = new CameraError("camera 'wrist' stopped delivering frames", "wrist");
    expect(error).toBeInstanceOf(Error);
    expect([error.name, error.message, error.camera]).toEqual(["CameraError", "camera 'wrist' stopped delivering frames", "wrist"]);
    expect(String(error)).toBe("CameraError: camera 'wrist' stopped delivering frames");
  });

  it("is what a bad camera config fails with, naming that camera", () => {
    let caught: unknown;
    try {
      openCamera("top", { type: "opencv", index_or_path: 0, width: 641, height: 480, fps: 30 });
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(CameraError);
    expect((caught as CameraError).camera).toBe("top");
  });
});
