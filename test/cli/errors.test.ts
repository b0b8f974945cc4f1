/** How the CLI ends: exit codes by error kind, and one line on stderr per error. */
import { afterEach, describe, expect, it, vi } from "vitest";
import { EXIT_INVALID, EXIT_OK, EXIT_USAGE, QuietExit, UsageError, exitCodeFor, reportError } from "../../src/cli/errors.js";
import { DatasetError, FrameValidationError, VideoError } from "../../src/errors.js";
import { HubError, PushError } from "../../src/hub/index.js";

describe("exit codes", () => {
  it("are 0 ok, 1 invalid, 2 usage", () => {
    expect([EXIT_OK, EXIT_INVALID, EXIT_USAGE]).toEqual([0, 1, 2]);
  });
});

describe("exitCodeFor", () => {
  it("gives 1 for a dataset that is wrong and for a push that started and failed", () => {
    expect(exitCodeFor(new DatasetError("bad footer"))).toBe(EXIT_INVALID);
    expect(exitCodeFor(new PushError("upload broke off"))).toBe(EXIT_INVALID);
  });

  it("gives 2 for bad input, ffmpeg trouble and a Hub refused before anything began", () => {
    expect(exitCodeFor(new UsageError("--fps"))).toBe(EXIT_USAGE);
    expect(exitCodeFor(new VideoError("no encoder"))).toBe(EXIT_USAGE);
    expect(exitCodeFor(new HubError("no token"))).toBe(EXIT_USAGE);
  });

  it("gives 2 for a frame that does not match its features, though it is a DatasetError", () => {
    const error = new FrameValidationError("action", "expected 6 values");
    expect(error).toBeInstanceOf(DatasetError);
    expect(exitCodeFor(error)).toBe(EXIT_USAGE);
  });

  it("gives 2 for anything unexpected, thrown errors and thrown values alike", () => {
    expect(exitCodeFor(new Error("EACCES"))).toBe(EXIT_USAGE);
    expect(exitCodeFor("a string")).toBe(EXIT_USAGE);
  });
});

describe("QuietExit", () => {
  it("carries the exit code of a command that has printed its own verdict", () => {
    const exit = new QuietExit(EXIT_INVALID);
    expect(exit.code).toBe(1);
    expect(exit).toBeInstanceOf(Error);
  });
});

describe("reportError", () => {
  afterEach(() => {
    vi.restoreAllMocks();
    vi.unstubAllEnvs();
  });

  function stderrOf(error: unknown): { code: number; text: string } {
    let text = "";
    vi.spyOn(process.stderr, "write").mockImplementation((chunk) => { text += String(chunk); return true; });
    const code = reportError(error);
    vi.restoreAllMocks();
    return { code, text };
  }

  it("prints one line without a stack trace and returns the error's exit code", () => {
    vi.stubEnv("LEROBOT_DEBUG", "");
    expect(stderrOf(new DatasetError("meta/info.json: no fps"))).toEqual({ code: 1, text: "lerobot-ts: error: meta/info.json: no fps\n" });
    expect(stderrOf("plain text")).toEqual({ code: 2, text: "lerobot-ts: error: plain text\n" });
  });

  it("adds the stack with LEROBOT_DEBUG=1", () => {
    vi.stubEnv("LEROBOT_DEBUG", "1");
    const { code, text } = stderrOf(new UsageError("bad flag"));
    expect(code).toBe(2);
    expect(text.split("\n")[0]).toBe("lerobot-ts: error: bad flag");
    expect(text).toMatch(/\n\s+at /);
  });
});
