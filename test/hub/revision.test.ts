/**
 * The revision a dataset is read at, as LeRobot's get_safe_version chooses it: the codebase
 * version tag (v3.0) rather than main, which may hold a newer, unconverted push.
 */
import { describe, expect, it } from "vitest";
import { HubError } from "../../src/hub/errors.js";
import { chooseRevision, parseVersion } from "../../src/hub/revision.js";

/** Refs of a repo: main plus these tags. */
const refs = (...names: string[]) => ({ branches: [{ name: "main", targetCommit: "a" }], tags: names.map((name) => ({ name, targetCommit: "b" })) });

describe("parseVersion", () => {
  it("reads v3.0, 3.0, v3.0.1 and v3 as [major, minor, patch]", () => {
    expect(parseVersion("v3.0")).toEqual([3, 0, 0]);
    expect(parseVersion("3.0")).toEqual([3, 0, 0]);
    expect(parseVersion("v3.0.1")).toEqual([3, 0, 1]);
    expect(parseVersion("v3")).toEqual([3, 0, 0]);
    expect(parseVersion("v12.10")).toEqual([12, 10, 0]);
  });

  it("gives undefined for refs that are not versions", () => {
    for (const ref of ["main", "v3.0-rc1", "version3", "v3.0.0.0", "", "refs/pr/1"]) expect(parseVersion(ref), ref).toBeUndefined();
  });
});

describe("chooseRevision", () => {
  it("chooses the revision as LeRobot's get_safe_version", () => {
    expect(chooseRevision("r", refs("v2.1", "v3.0"))).toEqual({ revision: "v3.0" });
    expect(chooseRevision("r", refs("v2.1", "v3.0", "v3.1"))).toEqual({ revision: "v3.0" });
    expect(chooseRevision("r", refs("v2.0", "v2.1"), "v2.1")).toEqual({ revision: "v2.1" });
    expect(chooseRevision("r", refs("v3.0.0"))).toEqual({ revision: "v3.0.0" });
    expect(chooseRevision("r", refs()).revision).toBe("main");
    expect(() => chooseRevision("r", refs("v3.1"))).toThrow(/only newer dataset versions \(v3.1\)/);
  });

  it("reads the v3.0 tag rather than main, with no note", () => {
    expect(chooseRevision("user/data", refs("v3.0"))).toEqual({ revision: "v3.0" });
  });

  it("counts a branch named like a version as a version", () => {
    const choice = chooseRevision("user/data", { branches: [{ name: "main", targetCommit: "a" }, { name: "v3.0", targetCommit: "c" }], tags: [] });
    expect(choice).toEqual({ revision: "v3.0" });
  });

  it("without an exact tag, takes the newest of the same major version whose minor is not above the wanted one", () => {
    expect(chooseRevision("r", refs("v3.0.1", "v3.0.2", "v3.1", "v2.1"))).toEqual({ revision: "v3.0.2" });
    expect(chooseRevision("r", refs("v3.0", "v3.2"), "v3.1")).toEqual({ revision: "v3.0" });
  });

  it("reads main with a note naming the missing tag when no ref is a version", () => {
    const choice = chooseRevision("user/data", { branches: [{ name: "main", targetCommit: "a" }, { name: "dev", targetCommit: "b" }], tags: [{ name: "latest", targetCommit: "c" }] });
    expect(choice.revision).toBe("main");
    expect(choice.note).toBe("user/data has no v3.0 tag (LeRobot refuses to load it without one; `lerobot-ts push` creates it): reading main");
  });

  it("refuses a repo with only older versions, naming the newest of them and how to convert it", () => {
    const refuse = () => chooseRevision("user/old", refs("v2.0", "v2.1"));
    expect(refuse).toThrow(HubError);
    expect(refuse).toThrow("user/old is a LeRobot v2.1 dataset (no v3.0 revision): download it with --revision=v2.1 and convert it with `lerobot-ts convert`");
  });

  it("refuses a repo with only newer versions, listing them oldest first", () => {
    expect(() => chooseRevision("user/new", refs("v4.0", "v3.2", "v3.1"))).toThrow("user/new has only newer dataset versions (v3.1, v3.2, v4.0) than v3.0, which this lerobot-ts reads");
  });
});
