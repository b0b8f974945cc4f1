/**
 * replaceFile / replaceWithBytes: the crash-safe replacement every repair step writes through.
 * The new content is built and checked under a staging name and renamed over the target only
 * when the check passes; on any failure the target keeps its bytes and no staged file remains.
 */
import fs from "node:fs";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { replaceFile, replaceWithBytes } from "../../../src/edit/repair/replace.js";
import { tempDir } from "../../helpers/synthetic.js";

describe("replaceFile", () => {
  const dir = tempDir("lerobot-ts-replace-");
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));
  let n = 0;
  const target = () => {
    const file = path.join(dir, `case-${++n}`, "stats.json");
    fs.mkdirSync(path.dirname(file));
    fs.writeFileSync(file, "old");
    return file;
  };
  const folder = (file: string) => fs.readdirSync(path.dirname(file));

  it("builds beside the target, checks the staged file, then renames it into place", async () => {
    const file = target();
    const seen: string[] = [];
    await replaceFile(
      file,
      async (staged) => {
        expect(path.dirname(staged)).toBe(path.dirname(file)); // same folder: the rename is atomic
        await fs.promises.writeFile(staged, "new");
      },
      async (staged) => { seen.push(fs.readFileSync(staged, "utf8"), fs.readFileSync(file, "utf8")); },
    );
    expect(seen).toEqual(["new", "old"]); // checked while the original was still in place
    expect(fs.readFileSync(file, "utf8")).toBe("new");
    expect(folder(file)).toEqual(["stats.json"]);
  });

  it("keeps the original and removes the staged file when the check fails", async () => {
    const file = target();
    await expect(replaceFile(file, (staged) => fs.promises.writeFile(staged, "bad"), async () => { throw new Error("wrong rows"); }))
      .rejects.toThrow("wrong rows");
    expect(fs.readFileSync(file, "utf8")).toBe("old");
    expect(folder(file)).toEqual(["stats.json"]);
  });

  it("keeps the original and removes a partly built file when the build fails", async () => {
    const file = target();
    const build = async (staged: string) => {
      await fs.promises.writeFile(staged, "half");
      throw new Error("disk full");
    };
    await expect(replaceFile(file, build)).rejects.toThrow("disk full");
    expect(fs.readFileSync(file, "utf8")).toBe("old");
    expect(folder(file)).toEqual(["stats.json"]);
  });
});

describe("replaceWithBytes", () => {
  const dir = tempDir("lerobot-ts-replace-bytes-");
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  it("writes the bytes in place of the file, and passes them through the check first", async () => {
    const file = path.join(dir, "info.json");
    fs.writeFileSync(file, "{}");
    const bytes = Buffer.from('{"total_episodes": 4}');
    let checked: Buffer | undefined;
    await replaceWithBytes(file, bytes, async (staged) => { checked = fs.readFileSync(staged); });
    expect(checked).toEqual(bytes);
    expect(fs.readFileSync(file)).toEqual(bytes);
    expect(fs.readdirSync(dir)).toEqual(["info.json"]);
  });

  it("leaves the file as it was when the check refuses the bytes", async () => {
    const file = path.join(dir, "refused.json");
    fs.writeFileSync(file, "{}");
    await expect(replaceWithBytes(file, Buffer.from("x"), async () => { throw new Error("not JSON"); })).rejects.toThrow("not JSON");
    expect(fs.readFileSync(file, "utf8")).toBe("{}");
    expect(fs.readdirSync(dir).sort()).toEqual(["info.json", "refused.json"]);
  });
});
