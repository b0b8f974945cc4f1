/**
 * The JSON Schemas in schemas/ are the ones generated from the reports' zod schemas (run
 * `npm run schemas` after changing a report), and each rejects a document of another version.
 */
import { Ajv2020 } from "ajv/dist/2020.js";
import { describe, expect, it } from "vitest";
import { z } from "zod";
import { convertReportSchema, editReportSchema } from "../../src/edit/report.js";
import { repairReportSchema } from "../../src/edit/repair.js";
import { publishedSchema } from "../helpers/published-schema.js";

const reports = [
  ["edit-v1.schema.json", editReportSchema, "lerobot-ts/edit@2"],
  ["convert-v1.schema.json", convertReportSchema, "lerobot-ts/convert@2"],
  ["repair-v1.schema.json", repairReportSchema, "lerobot-ts/repair@2"],
] as const;

describe("published report schemas", () => {
  for (const [file, schema, otherVersion] of reports) {
    it(`${file} is generated from its zod schema and rejects ${otherVersion}`, () => {
      const published = publishedSchema(file);
      const { title: _title, ...generated } = published;
      expect(generated).toEqual(JSON.parse(JSON.stringify(z.toJSONSchema(schema, { io: "input" }))));
      expect(new Ajv2020().compile(published)({ schema: otherVersion })).toBe(false);
    });
  }
});
