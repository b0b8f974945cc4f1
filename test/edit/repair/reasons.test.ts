/**
 * whyUnfixed: the one-line reason repair gives for a finding it leaves. Specific checks have their
 * own reason, whole groups (quality, deep) theirs, lost files say the data is gone, and anything
 * else points at verify's hint for the check.
 */
import { describe, expect, it } from "vitest";
import { whyUnfixed } from "../../../src/edit/repair/reasons.js";
import { CHECKS } from "../../../src/verify/catalog.js";
import type { CheckId } from "../../../src/verify/catalog.js";

describe("whyUnfixed", () => {
  it("gives the checks repair deliberately leaves their own reason", () => {
    expect(whyUnfixed("info.version")).toMatch(/needs converting/);
    expect(whyUnfixed("files.unreferenced")).toMatch(/--remove-unreferenced/);
    expect(whyUnfixed("tasks.unused")).toMatch(/renumbers task_index/);
    expect(whyUnfixed("videos.gap")).toBe(whyUnfixed("videos.unreferenced_tail"));
  });

  it("says recorded values are not changed for any quality finding", () => {
    for (const check of ["quality.static_joint", "quality.clipping", "quality.short_episode"] as CheckId[]) {
      expect(whyUnfixed(check)).toMatch(/does not change recorded data/);
    }
  });

  it("says lost data is not recreated for a missing, unreadable or unclosed file", () => {
    for (const check of ["data.missing_file", "videos.unreadable", "episodes.no_footer", "tasks.missing"] as CheckId[]) {
      expect(whyUnfixed(check), check).toMatch(/^the data is gone or damaged/);
    }
  });

  it("points at verify's hint for a check that needs a decision", () => {
    expect(whyUnfixed("videos.codec")).toBe(`fixing it needs a decision repair does not make: ${CHECKS["videos.codec"].hint}`);
  });

  it("says only re-encoding fixes frames a deep check found wrong", () => {
    expect(whyUnfixed("deep.decode_error")).toMatch(/only re-encoding from the source fixes them/);
  });
});
