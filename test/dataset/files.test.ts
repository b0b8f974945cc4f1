/**
 * A dataset folder on disk as verify and inspect reach it: absolute paths under the root, kinds
 * and sizes without throwing, the files themselves as parquet sources.
 */
import fs from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { LocalDatasetFiles, localFileKind } from "../../src/dataset/files.js";
import { tempDir } from "../helpers/synthetic.js";

let dir: string;
beforeAll(() => {
  dir = tempDir();
  fs.mkdirSync(path.join(dir, "meta/episodes"), { recursive: true });
  fs.writeFileSync(path.join(dir, "meta/info.json"), '{"fps": 30}');
  fs.symlinkSync("info.json", path.join(dir, "meta/link.json"));
});
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

describe("localFileKind", () => {
  it("tells files, folders, missing paths and other things (a device) apart", () => {
    expect(localFileKind(path.join(dir, "meta/info.json"))).toBe("file");
    expect(localFileKind(path.join(dir, "meta"))).toBe("directory");
    expect(localFileKind(path.join(dir, "meta/nothing.json"))).toBe("missing");
    expect(localFileKind(path.join(dir, "meta/info.json/below"))).toBe("missing");
    expect(localFileKind("/dev/null")).toBe("other");
  });

  it("follows a symlink to what it points at", () => {
    expect(localFileKind(path.join(dir, "meta/link.json"))).toBe("file");
  });
});

describe("LocalDatasetFiles", () => {
  it("stands for the folder by its absolute path, which is also its location", () => {
    const files = new LocalDatasetFiles(path.relative(process.cwd(), dir));
    expect(files.root).toBe(dir);
    expect(files.location).toBe(dir);
  });

  it("gives kinds, and sizes of files only", () => {
    const files = new LocalDatasetFiles(dir);
    expect(files.kind(path.join(dir, "meta"))).toBe("directory");
    expect(files.size(path.join(dir, "meta/info.json"))).toBe(11);
    expect(files.size(path.join(dir, "meta"))).toBeUndefined();
    expect(files.size(path.join(dir, "missing"))).toBeUndefined();
  });

  it("lists a folder's entries with what each is, and throws for a folder that is not there", () => {
    const files = new LocalDatasetFiles(dir);
    const entries = files.list(path.join(dir, "meta")).sort((a, b) => a.name.localeCompare(b.name));
    expect(entries).toEqual([
      { name: "episodes", directory: true, file: false },
      { name: "info.json", directory: false, file: true },
      // A link is neither: the checks do not follow links out of the dataset.
      { name: "link.json", directory: false, file: false },
    ]);
    expect(() => files.list(path.join(dir, "nope"))).toThrow(/ENOENT/);
  });

  it("reads text, hands parquet readers the path itself, and has no traffic to report", async () => {
    const files = new LocalDatasetFiles(dir);
    const info = path.join(dir, "meta/info.json");
    expect(await files.readText(info)).toBe('{"fps": 30}');
    expect(files.source(info)).toBe(info);
    expect(files.traffic()).toBeUndefined();
  });
});
