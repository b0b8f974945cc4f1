/**
 * Hub upload and download progress: a self-overwriting line at a terminal, one line per phase in a
 * log. Date is faked so the terminal's 10-a-second limit is walked through, not waited for.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { pullProgress, pushProgress } from "../../src/cli/hub-progress.js";
import { textStream } from "../helpers/text-stream.js";

beforeEach(() => {
  vi.useFakeTimers({ toFake: ["Date"] });
  vi.setSystemTime(10_000);
});
afterEach(() => vi.useRealTimers());

describe("pushProgress", () => {
  it("prints each phase once off a terminal, with sizes in kB below a MB and MB above", () => {
    const stream = textStream({ tty: false });
    const progress = pushProgress(stream);
    progress.update({ phase: "start", files: 12, bytes: 3 * 1024 * 1024 });
    progress.update({ phase: "hashing", filesDone: 1, files: 2 });
    progress.update({ phase: "hashing", filesDone: 2, files: 2 });
    progress.update({ phase: "uploading", bytesDone: 512, bytes: 2.5 * 1024 * 1024 });
    progress.update({ phase: "uploading", bytesDone: 2.5 * 1024 * 1024, bytes: 2.5 * 1024 * 1024 });
    progress.update({ phase: "committing" });
    progress.update({ phase: "tagging", tag: "v3.0" });
    progress.done();
    expect(stream.text).toBe([
      "pushing 12 files (3.0 MB)",
      "hashing large files 1/2",
      "uploading 0.5 kB of 2.5 MB",
      "committing",
      "tagging v3.0",
      "",
    ].join("\n"));
  });

  it("rewrites one line at a terminal: every phase change, within a phase at most every 100 ms; done wipes it", () => {
    const stream = textStream({ tty: true });
    const progress = pushProgress(stream);
    progress.update({ phase: "uploading", bytesDone: 0, bytes: 2048 });
    vi.setSystemTime(10_050);
    progress.update({ phase: "uploading", bytesDone: 1024, bytes: 2048 }); // too soon: skipped
    vi.setSystemTime(10_100);
    progress.update({ phase: "uploading", bytesDone: 2048, bytes: 2048 });
    vi.setSystemTime(10_120);
    progress.update({ phase: "committing" }); // a new phase shows at once
    progress.done();
    expect(stream.writes).toEqual(["\r\x1b[Kuploading 0.0 kB of 2.0 kB", "\r\x1b[Kuploading 2.0 kB of 2.0 kB", "\r\x1b[Kcommitting", "\r\x1b[K"]);
  });

  it("done writes nothing when nothing was shown, and nothing twice", () => {
    const tty = textStream({ tty: true });
    const progress = pushProgress(tty);
    progress.done();
    expect(tty.text).toBe("");
    progress.update({ phase: "committing" });
    progress.done();
    progress.done();
    expect(tty.writes).toEqual(["\r\x1b[Kcommitting", "\r\x1b[K"]);
  });
});

describe("pullProgress", () => {
  it("says the revision it lists and then the download, once per phase off a terminal", () => {
    const stream = textStream({ tty: false });
    const progress = pullProgress(stream);
    progress.update({ phase: "listing", revision: "v3.0" });
    progress.update({ phase: "downloading", filesDone: 0, files: 3, bytesDone: 0, bytes: 5 * 1024 * 1024 });
    progress.update({ phase: "downloading", filesDone: 3, files: 3, bytesDone: 5 * 1024 * 1024, bytes: 5 * 1024 * 1024 });
    progress.done();
    expect(stream.text).toBe("fetching the file list at v3.0\ndownloading 0/3 files, 0.0 kB of 5.0 MB\n");
  });

  it("shows the latest count at a terminal", () => {
    const stream = textStream({ tty: true });
    const progress = pullProgress(stream);
    progress.update({ phase: "downloading", filesDone: 1, files: 2, bytesDone: 100, bytes: 200 });
    vi.setSystemTime(10_200);
    progress.update({ phase: "downloading", filesDone: 2, files: 2, bytesDone: 200, bytes: 200 });
    expect(stream.writes.at(-1)).toBe("\r\x1b[Kdownloading 2/2 files, 0.2 kB of 0.2 kB");
  });
});
