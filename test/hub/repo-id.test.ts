/** Repo ids as huggingface_hub's validate_repo_id accepts them: what may be fetched from the Hub. */
import { describe, expect, it } from "vitest";
import { HubError } from "../../src/hub/errors.js";
import { checkRepoId, isRepoId } from "../../src/hub/repo-id.js";

describe("isRepoId", () => {
  it("accepts namespace/name of letters, digits, '-', '_' and '.'", () => {
    for (const id of ["lerobot/svla_so101_pickplace", "user-1/my.data-set_2", "a/b", `${"n".repeat(96)}/${"x".repeat(96)}`]) {
      expect(isRepoId(id), id).toBe(true);
    }
  });

  it("refuses a bare name, a deeper path, and characters the Hub does not allow", () => {
    for (const id of ["name", "a/b/c", "/name", "user/", "user/na me", "user/näme", "user/name?x", "./data", "~/data"]) {
      expect(isRepoId(id), id).toBe(false);
    }
  });

  it("refuses '--' and '..' anywhere and a part that starts or ends with '-' or '.'", () => {
    for (const id of ["user/a--b", "user/a..b", "-user/name", "user/name-", ".user/name", "user/name.", "../name"]) {
      expect(isRepoId(id), id).toBe(false);
    }
  });

  it("refuses parts longer than 96 characters", () => {
    expect(isRepoId(`user/${"x".repeat(97)}`)).toBe(false);
    expect(isRepoId(`${"u".repeat(97)}/name`)).toBe(false);
  });
});

describe("checkRepoId", () => {
  it("returns a valid repo id unchanged", () => {
    expect(checkRepoId("lerobot/pusht")).toBe("lerobot/pusht");
  });

  it("throws a HubError that quotes the text and says what a repo id is", () => {
    expect(() => checkRepoId("not a repo")).toThrow(HubError);
    expect(() => checkRepoId("not a repo")).toThrow("'not a repo' is not a Hub repo id (namespace/name, letters, digits, '-', '_', '.')");
  });
});
