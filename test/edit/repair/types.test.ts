/**
 * The helpers the repair planners share: telling trusted metadata from a reason not to trust it,
 * an empty plan, and the findings of one check.
 */
import { describe, expect, it } from "vitest";
import { emptyPlan, findingsOf, trusted, untrustedReason } from "../../../src/edit/repair/types.js";
import type { PlanInput, TrustedMetadata } from "../../../src/edit/repair/types.js";
import type { VerifyFinding, VerifyReport } from "../../../src/verify/report.js";

const finding = (check: string, file?: string): VerifyFinding => ({
  check, group: check.slice(0, check.indexOf(".")) as VerifyFinding["group"], severity: "error", message: check, hint: "", ...(file ? { file } : {}),
});

function input(metadata: PlanInput["metadata"]): PlanInput {
  return { root: "/d", report: {} as VerifyReport, findings: [], metadata, removeUnreferenced: false, progress: () => {} };
}

describe("trusted and untrustedReason", () => {
  const meta = { info: {}, tasks: ["pick"], episodes: [] } as unknown as TrustedMetadata;

  it("give the metadata, and no reason, when it was loaded", () => {
    expect(trusted(input(meta))).toBe(meta);
    expect(untrustedReason(input(meta))).toBe("");
  });

  it("give no metadata, and the reason, when it cannot be trusted", () => {
    const why = { untrusted: "the metadata itself has errors (episodes.order)" };
    expect(trusted(input(why))).toBeUndefined();
    expect(untrustedReason(input(why))).toBe("the metadata itself has errors (episodes.order)");
  });
});

describe("emptyPlan", () => {
  it("has no steps and no refusals, and is a new plan each time (planners push into it)", () => {
    const a = emptyPlan();
    expect(a).toEqual({ steps: [], refused: [] });
    a.refused.push({ check: "stats.missing", why: "x" });
    expect(emptyPlan().refused).toEqual([]);
  });
});

describe("findingsOf", () => {
  it("keeps the findings of that check only, in verify's order", () => {
    const findings = [finding("data.unreferenced_rows", "b"), finding("data.index", "a"), finding("data.unreferenced_rows", "a")];
    expect(findingsOf(findings, "data.unreferenced_rows").map((f) => f.file)).toEqual(["b", "a"]);
    expect(findingsOf(findings, "stats.missing")).toEqual([]);
  });
});
