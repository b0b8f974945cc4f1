/**
 * The layer rules of eslint.config.js (docs/ARCHITECTURE.md): the dataset, hardware and system
 * layers cannot import a layer above them, and a layer imports another only through its index.ts.
 * Checked on sample modules, so the rules are known to bite, not only to pass.
 */
import path from "node:path";
import { ESLint } from "eslint";
import { describe, expect, it } from "vitest";

const ROOT = path.join(import.meta.dirname, "..", "..");
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
    expect(await layerErrors("src/verify/sample.ts", 'import { openDataset } from "../dataset/index.js";\nexport const x = openDataset;\n')).toEqual([]);
  });
});

describe("index rule", () => {
  it("refuses a path inside another layer, sub-folders and re-exports included", async () => {
    expect(await layerErrors("src/verify/sample.ts", 'import { openDataset } from "../dataset/reader.js";\nexport const x = openDataset;\n'))
      .toEqual([expect.stringContaining("import another layer through its index.js")]);
    expect(await layerErrors("src/verify/checks/sample.ts", 'import { probeMp4 } from "../../dataset/video/probe.js";\nexport const x = probeMp4;\n')).toHaveLength(1);
    expect(await layerErrors("src/cli/commands/sample.ts", 'import type { Arm } from "../../hardware/robots/arm.js";\nexport type X = Arm;\n')).toHaveLength(1);
    expect(await layerErrors("src/dataset/video/sample.ts", 'export { findFfmpeg } from "../../system/ffmpeg.js";\n')).toHaveLength(1);
  });

  it("accepts another layer's index and the same layer's files imported directly", async () => {
    expect(await layerErrors("src/verify/checks/sample.ts", 'import { probeMp4 } from "../../dataset/index.js";\nexport const x = probeMp4;\n')).toEqual([]);
    expect(await layerErrors("src/dataset/video/sample.ts", 'import { parseInfo } from "../info.js";\nexport const x = parseInfo;\n')).toEqual([]);
    expect(await layerErrors("src/verify/checks/sample.ts", 'import { CHECKS } from "../catalog.js";\nexport const x = CHECKS;\n')).toEqual([]);
  });

  it("refuses any import of the cli", async () => {
    expect(await layerErrors("src/processes/sample.ts", 'import { main } from "../cli/main.js";\nexport const x = main;\n')).toHaveLength(1);
  });
});
