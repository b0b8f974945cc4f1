/** The verify report's zod schema: the contract of `verify --json` (lerobot-ts/verify@1). */
import fs from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { writeSyntheticDataset } from "../../src/dataset/synthetic.js";
import { VERIFY_REPORT_SCHEMA_ID, findingSchema, groupResultSchema, verifyReportJsonSchema, verifyReportSchema } from "../../src/verify/report.js";
import type { VerifyReport } from "../../src/verify/report.js";
import { verifyDataset } from "../../src/verify/verify.js";
import { editInfo } from "../helpers/corrupt.js";
import { tempDir } from "../helpers/synthetic.js";

describe("verifyReportSchema", () => {
  const dir = tempDir("lerobot-ts-report-");
  const root = path.join(dir, "ds");
  let report: VerifyReport;
  beforeAll(async () => {
    await writeSyntheticDataset({ root, episodes: 2, frames: 100, cameras: [] });
    editInfo(root, (i) => { i.total_frames += 1; }); // one finding, so the report has one to validate
    report = await verifyDataset(root);
  }, 60_000);
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  it("accepts the report verifyDataset makes, unchanged", () => {
    expect(report.findings.map((f) => f.check)).toEqual(["info.total_frames"]);
    expect(verifyReportSchema.parse(JSON.parse(JSON.stringify(report)))).toEqual(report);
  });

  it("rejects another schema version, a missing field, a negative count and an unknown group", () => {
    const copy = () => JSON.parse(JSON.stringify(report)) as Record<string, unknown> & VerifyReport;
    expect(verifyReportSchema.safeParse({ ...copy(), schema: "lerobot-ts/verify@2" }).success).toBe(false);
    const noVerdict = copy();
    delete (noVerdict as Partial<VerifyReport>).verdict;
    expect(verifyReportSchema.safeParse(noVerdict).success).toBe(false);
    const negative = copy();
    negative.summary.errors = -1;
    expect(verifyReportSchema.safeParse(negative).success).toBe(false);
    const badGroup = copy();
    (badGroup.findings[0] as Record<string, unknown>).group = "meta";
    expect(verifyReportSchema.safeParse(badGroup).success).toBe(false);
  });
});

describe("findingSchema and groupResultSchema", () => {
  it("take a finding with or without a location, and a skipped group with its reason", () => {
    expect(findingSchema.safeParse({ check: "data.index", group: "data", severity: "error", message: "m", hint: "h" }).success).toBe(true);
    expect(findingSchema.safeParse({ check: "data.index", group: "data", severity: "fatal", message: "m", hint: "h" }).success).toBe(false);
    expect(findingSchema.safeParse({ check: "data.index", group: "data", severity: "error", message: "m", hint: "h", row: 1.5 }).success).toBe(false);
    expect(groupResultSchema.safeParse({ group: "deep", status: "skipped", errors: 0, warnings: 0, reason: "run with --deep" }).success).toBe(true);
    expect(groupResultSchema.safeParse({ group: "deep", status: "ok", errors: 0, warnings: 0 }).success).toBe(false);
  });
});

describe("verifyReportJsonSchema", () => {
  it("is a titled draft 2020-12 schema that pins the schema id", () => {
    const schema = verifyReportJsonSchema() as { title: string; $schema: string; properties: { schema: { const: string } } };
    expect(VERIFY_REPORT_SCHEMA_ID).toBe("lerobot-ts/verify@1");
    expect(schema.title).toBe("lerobot-ts verify report (lerobot-ts/verify@1)");
    expect(schema.$schema).toBe("https://json-schema.org/draft/2020-12/schema");
    expect(schema.properties.schema.const).toBe(VERIFY_REPORT_SCHEMA_ID);
  });
});
