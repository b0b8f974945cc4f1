/** `--dataset.repo_id` / `--dataset.root` of replay and calibrate-test, resolved as LeRobot resolves them. */
import path from "node:path";
import { afterEach, describe, expect, it, vi } from "vitest";
import { datasetFolder } from "../../src/cli/dataset-flags.js";
import { UsageError } from "../../src/cli/errors.js";

describe("datasetFolder", () => {
  afterEach(() => vi.unstubAllEnvs());

  it("is --dataset.root itself when given, resolved to an absolute path", () => {
    expect(datasetFolder({ "dataset.repo_id": "me/pick", "dataset.root": "some/where" })).toEqual({ repoId: "me/pick", root: path.resolve("some/where") });
  });

  it("is $HF_LEROBOT_HOME/<repo_id> without --dataset.root", () => {
    vi.stubEnv("HF_LEROBOT_HOME", "/data/lerobot");
    expect(datasetFolder({ "dataset.repo_id": "me/pick" })).toEqual({ repoId: "me/pick", root: path.resolve("/data/lerobot/me/pick") });
  });

  it("requires --dataset.repo_id, even with a root", () => {
    expect(() => datasetFolder({ "dataset.root": "/x" })).toThrow(UsageError);
    expect(() => datasetFolder({ "dataset.repo_id": "" })).toThrow(/--dataset.repo_id is required/);
  });
});
