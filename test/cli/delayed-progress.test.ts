/**
 * Progress of edit, convert and repair: silent for the first second, then at most a line every
 * half second. The clock is faked (Date only) so the test walks through time instead of waiting.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { delayedProgress } from "../../src/cli/delayed-progress.js";
import { textStream } from "../helpers/text-stream.js";

describe("delayedProgress", () => {
  beforeEach(() => {
    vi.useFakeTimers({ toFake: ["Date"] });
    vi.setSystemTime(0);
  });
  afterEach(() => vi.useRealTimers());

  it("shows nothing in the first second, even when forced: quick work stays quiet", () => {
    const stream = textStream({ tty: false });
    const progress = delayedProgress({ stream });
    progress.update("a");
    vi.setSystemTime(999);
    progress.update("b", true);
    progress.done();
    expect(stream.text).toBe("");
  });

  it("then prints a line at most every half second, or when forced, line by line off a terminal", () => {
    const stream = textStream({ tty: false });
    const progress = delayedProgress({ stream });
    vi.setSystemTime(1000);
    progress.update("1/4");
    vi.setSystemTime(1499);
    progress.update("2/4");
    progress.update("3/4 last of the phase", true);
    vi.setSystemTime(2100);
    progress.update("4/4");
    progress.done();
    expect(stream.text).toBe("1/4\n3/4 last of the phase\n4/4\n");
  });

  it("rewrites one line at a terminal and ends it with a newline (kept) at done", () => {
    const stream = textStream({ tty: true });
    const progress = delayedProgress({ stream });
    vi.setSystemTime(1000);
    progress.update("copy 1/2");
    vi.setSystemTime(1500);
    progress.update("copy 2/2");
    progress.done();
    expect(stream.writes).toEqual(["\r\x1b[2Kcopy 1/2", "\r\x1b[2Kcopy 2/2", "\n"]);
  });

  it("wipes the line at done with atEnd 'clear', so the report starts on a clean line", () => {
    const stream = textStream({ tty: true });
    const progress = delayedProgress({ stream, atEnd: "clear" });
    vi.setSystemTime(1200);
    progress.update("repair: verify");
    progress.done();
    expect(stream.writes).toEqual(["\r\x1b[2Krepair: verify", "\r\x1b[2K"]);
  });

  it("writes nothing at done at a terminal when no line was shown", () => {
    const stream = textStream({ tty: true });
    delayedProgress({ stream }).done();
    expect(stream.text).toBe("");
  });
});
