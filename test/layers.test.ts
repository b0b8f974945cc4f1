/**
 * The layer rule of eslint.config.js (docs/ARCHITECTURE.md): the dataset, hardware and system
 * layers cannot import a layer above them. Checked on sample modules, so the rule is known to
 * bite, not only to pass.
 */
import path from "node:path";
import { ESLint } from "eslint";
import { describe, expect, it } from "vitest";

const ROOT = path.join(import.meta.dirname, "..");
const eslint = new ESLint({ cwd: ROOT });

async function layerErrors(file: string, code: string): Promise<string[]> {
  const [result] = await eslint.lintText(code, { filePath: path.join(ROOT, file) });
  return result!.messages.filter((m) => m.ruleId === "no-restricted-imports").map((m) => m.message);
}

describe("layer rule", () => {
  it("refuses upward imports from dataset, hardware and system", async () => {
    expect(await layerErrors("src/dataset/video/sample.ts", 'import { verifyDataset } from "../../verify/verify.js";\nexport const x = verifyDataset;\n')).toHaveLength(1);
    expect(await layerErrors("src/hardware/sample.ts", 'import { openDataset } from "../dataset/reader.js";\nexport const x = openDataset;\n')).toHaveLength(1);
    expect(await layerErrors("src/system/sample.ts", 'import { SOArm } from "../hardware/robots/so-arm.js";\nexport const x = SOArm;\n')).toHaveLength(1);
  });

  it("lets them import below themselves, and upper layers import them", async () => {
    expect(await layerErrors("src/hardware/sample.ts", 'import { findFfmpeg } from "../system/index.js";\nexport const x = findFfmpeg;\n')).toEqual([]);
    expect(await layerErrors("src/dataset/sample.ts", 'import { lerobotHome } from "../system/index.js";\nexport const x = lerobotHome;\n')).toEqual([]);
    expect(await layerErrors("src/verify/sample.ts", 'import { openDataset } from "../dataset/reader.js";\nexport const x = openDataset;\n')).toEqual([]);
  });
});
