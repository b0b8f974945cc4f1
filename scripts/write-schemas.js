// Writes the JSON Schemas of the CLI's --json outputs into schemas/, generated from the zod
// schemas in dist/ (run `npm run schemas` after changing a report; a test checks they agree).
import fs from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { z } from "zod";
import { convertReportSchema, editReportSchema, inspectReportSchema, repairReportSchema, verifyReportJsonSchema } from "../dist/index.js";

const dir = path.join(path.dirname(fileURLToPath(import.meta.url)), "..", "schemas");
const schemas = {
  "verify-v1.schema.json": verifyReportJsonSchema(),
  "inspect-v1.schema.json": { title: "lerobot-ts inspect report (lerobot-ts/inspect@1)", ...z.toJSONSchema(inspectReportSchema, { io: "input" }) },
  "edit-v1.schema.json": { title: "lerobot-ts edit report (lerobot-ts/edit@1)", ...z.toJSONSchema(editReportSchema, { io: "input" }) },
  "convert-v1.schema.json": { title: "lerobot-ts convert report (lerobot-ts/convert@1)", ...z.toJSONSchema(convertReportSchema, { io: "input" }) },
  "repair-v1.schema.json": { title: "lerobot-ts repair report (lerobot-ts/repair@1)", ...z.toJSONSchema(repairReportSchema, { io: "input" }) },
};
fs.mkdirSync(dir, { recursive: true });
for (const [name, schema] of Object.entries(schemas)) {
  fs.writeFileSync(path.join(dir, name), `${JSON.stringify(schema, null, 2)}\n`);
  console.log(`wrote schemas/${name}`);
}
