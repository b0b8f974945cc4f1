/** File cursors: which chunk and file the next rows, episode row or clip go to, and that file's path. */
import path from "node:path";
import { describe, expect, it } from "vitest";
import { MIB, cursorFile, cursorPath, fileAfter, firstFile, moveToNextFile } from "../../src/dataset/file-cursors.js";
import { DEFAULT_DATA_PATH, DEFAULT_VIDEO_PATH, EPISODES_PATH } from "../../src/dataset/info.js";

describe("firstFile", () => {
  it("is chunk 0, file 0, not written yet", () => {
    expect(firstFile()).toEqual({ chunk: 0, file: 0, exists: false });
    expect(firstFile()).not.toBe(firstFile()); // each caller gets its own, moved in place later
  });
});

describe("fileAfter", () => {
  it("is the next file of the chunk, or file 0 of the next chunk once the chunk holds chunksSize files", () => {
    expect(fileAfter(0, 0, 1000)).toEqual({ chunk: 0, file: 1, exists: false });
    expect(fileAfter(2, 998, 1000)).toEqual({ chunk: 2, file: 999, exists: false });
    expect(fileAfter(2, 999, 1000)).toEqual({ chunk: 3, file: 0, exists: false });
    expect(fileAfter(4, 0, 1)).toEqual({ chunk: 5, file: 0, exists: false });
  });
});

describe("moveToNextFile", () => {
  it("moves the cursor itself to the next file, which is not written yet", () => {
    const cursor = { chunk: 0, file: 1, exists: true };
    moveToNextFile(cursor, 2);
    expect(cursor).toEqual({ chunk: 1, file: 0, exists: false });
    cursor.exists = true;
    moveToNextFile(cursor, 2);
    expect(cursor).toEqual({ chunk: 1, file: 1, exists: false });
  });
});

describe("cursorFile and cursorPath", () => {
  it("fill a path template with the cursor's chunk and file, zero-padded as LeRobot's", () => {
    const cursor = { chunk: 3, file: 12, exists: false };
    expect(cursorFile(DEFAULT_DATA_PATH, cursor)).toBe("data/chunk-003/file-012.parquet");
    expect(cursorFile(EPISODES_PATH, cursor)).toBe("meta/episodes/chunk-003/file-012.parquet");
    expect(cursorFile(DEFAULT_VIDEO_PATH, cursor, { video_key: "observation.images.front" }))
      .toBe("videos/observation.images.front/chunk-003/file-012.mp4");
  });

  it("give an absolute path inside the root, and refuse a template that leaves it", () => {
    const root = path.resolve("/tmp/some-dataset");
    expect(cursorPath(root, DEFAULT_DATA_PATH, firstFile())).toBe(path.join(root, "data/chunk-000/file-000.parquet"));
    expect(() => cursorPath(root, "../elsewhere/file-{file_index:03d}.parquet", firstFile())).toThrow(/escapes/);
  });
});

describe("MIB", () => {
  it("is the size unit of data_files_size_in_mb and video_files_size_in_mb (LeRobot's 1024 * 1024)", () => {
    expect(MIB).toBe(1_048_576);
  });
});
