/**
 * EditError: an edit that cannot be done as asked. The CLI treats DatasetError subclasses as
 * usage errors (exit 2), so EditError must stay one, and the edits must throw it.
 */
import fs from "node:fs";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { DatasetError } from "../../src/errors.js";
import { openDataset } from "../../src/dataset/reader.js";
import { EditError } from "../../src/edit/errors.js";
import { deleteEpisodes } from "../../src/edit/operations.js";
import { tempDir, writeSynthetic } from "../helpers/synthetic.js";

describe("EditError", () => {
  const dir = tempDir("lerobot-ts-edit-error-");
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  it("is a DatasetError named EditError that keeps its message, file and cause", () => {
    const cause = new Error("underneath");
    const error = new EditError("split: give at least one split", { file: "/data/x", cause });
    expect(error).toBeInstanceOf(DatasetError);
    expect(error).toBeInstanceOf(Error);
    expect(error.name).toBe("EditError");
    expect(error.message).toBe("split: give at least one split");
    expect(error.file).toBe("/data/x");
    expect(error.cause).toBe(cause);
  });

  it("is what an edit asked for episodes the dataset does not have throws, writing nothing", async () => {
    const source = path.join(dir, "source");
    await (await writeSynthetic({ root: source, episodes: [3, 4], cameras: [] })).finalize();
    const out = path.join(dir, "out");
    const attempt = deleteEpisodes(await openDataset(source), [5], out);
    await expect(attempt).rejects.toBeInstanceOf(EditError);
    await expect(attempt).rejects.toThrow(/episode\(s\) 5 are not in/);
    expect(fs.existsSync(out)).toBe(false);
  });
});
