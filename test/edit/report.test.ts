/**
 * The zod schemas of `lerobot-ts edit --json` and `convert --json`: the contract a script reads.
 * A document as the commands print it parses; one of another version, or missing or mistyping a
 * field, does not. (test/repo/report-schemas.test.ts checks the published JSON Schemas match.)
 */
import { describe, expect, it } from "vitest";
import { CONVERT_REPORT_SCHEMA_ID, EDIT_REPORT_SCHEMA_ID, convertReportSchema, editReportSchema } from "../../src/edit/report.js";

const edit = {
  schema: "lerobot-ts/edit@1",
  operation: "split",
  outputs: [
    { split: "train", root: "/d/train", episodes: 3, frames: 30, tasks: ["pick"], reencoded: { "observation.images.front": 0 }, skipped: {} },
    { split: "val", root: "/d/val", episodes: 1, frames: 9, tasks: ["pick", "place"], reencoded: {}, skipped: { "observation.images.wrist": "already h264" } },
  ],
  notes: ["--push_to_hub=false has no effect"],
};

const convert = {
  schema: "lerobot-ts/convert@1", root: "/d/out", source: "/d/in", sourceVersion: "v2.1", codebaseVersion: "v3.0",
  episodes: 6, frames: 57, tasks: ["pick the cube"], computedStats: [], backup: null,
};

describe("editReportSchema", () => {
  it("names its version lerobot-ts/edit@1", () => {
    expect(EDIT_REPORT_SCHEMA_ID).toBe("lerobot-ts/edit@1");
  });

  it("accepts an edit report as the CLI prints it, split names optional", () => {
    expect(editReportSchema.parse(edit)).toEqual(edit);
    const { split: _split, ...unnamed } = edit.outputs[0]!;
    expect(editReportSchema.safeParse({ ...edit, outputs: [unnamed] }).success).toBe(true);
  });

  it("rejects another version, a missing field and a negative or fractional count", () => {
    expect(editReportSchema.safeParse({ ...edit, schema: "lerobot-ts/edit@2" }).success).toBe(false);
    const { notes: _notes, ...noNotes } = edit;
    expect(editReportSchema.safeParse(noNotes).success).toBe(false);
    expect(editReportSchema.safeParse({ ...edit, outputs: [{ ...edit.outputs[0], frames: -1 }] }).success).toBe(false);
    expect(editReportSchema.safeParse({ ...edit, outputs: [{ ...edit.outputs[0], episodes: 1.5 }] }).success).toBe(false);
    expect(editReportSchema.safeParse({ ...edit, outputs: [{ ...edit.outputs[0], reencoded: { x: -2 } }] }).success).toBe(false);
  });
});

describe("convertReportSchema", () => {
  it("names its version lerobot-ts/convert@1", () => {
    expect(CONVERT_REPORT_SCHEMA_ID).toBe("lerobot-ts/convert@1");
  });

  it("accepts a conversion report, with or without an in-place backup", () => {
    expect(convertReportSchema.parse(convert)).toEqual(convert);
    expect(convertReportSchema.safeParse({ ...convert, sourceVersion: "v2.0", backup: "/d/in_old" }).success).toBe(true);
  });

  it("rejects a source version it does not convert, an output other than v3.0 and a missing backup field", () => {
    expect(convertReportSchema.safeParse({ ...convert, sourceVersion: "v1.6" }).success).toBe(false);
    expect(convertReportSchema.safeParse({ ...convert, codebaseVersion: "v2.1" }).success).toBe(false);
    const { backup: _backup, ...noBackup } = convert;
    expect(convertReportSchema.safeParse(noBackup).success).toBe(false);
    expect(convertReportSchema.safeParse({ ...convert, schema: "lerobot-ts/convert@2" }).success).toBe(false);
  });
});
