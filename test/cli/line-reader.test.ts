/** Answers to prompts, one stdin line each, from a person or a script piping them ahead of time. */
import { PassThrough } from "node:stream";
import { afterEach, describe, expect, it, vi } from "vitest";
import { UsageError } from "../../src/cli/errors.js";
import { LineReader, confirmWithReader } from "../../src/cli/line-reader.js";
import { textStream } from "../helpers/text-stream.js";

describe("LineReader", () => {
  it("answers each question with the next line, lines piped before the questions waiting in order", async () => {
    const input = new PassThrough();
    input.end("first\nsecond\n");
    const reader = new LineReader(input);
    const out = textStream({ tty: false });
    expect(await reader.ask("one?", out)).toBe("first");
    expect(await reader.ask("two? ", out)).toBe("second");
    reader.close();
    // A prompt ending in a space stays on the line where the answer is typed; others get a newline.
    expect(out.text).toBe("one?\ntwo? ");
  });

  it("waits for a line typed after the question", async () => {
    const input = new PassThrough();
    const reader = new LineReader(input);
    const answer = reader.ask("ready?\n", textStream({ tty: false }));
    input.write("yes\n");
    expect(await answer).toBe("yes");
    reader.close();
  });

  it("rejects with a UsageError once stdin has ended, for a waiting question and a later one", async () => {
    const input = new PassThrough();
    const reader = new LineReader(input);
    const out = textStream({ tty: false });
    const waiting = reader.ask("a?", out);
    input.end();
    await expect(waiting).rejects.toThrow(new UsageError("stdin ended before the question was answered"));
    await expect(reader.ask("b?", out)).rejects.toThrow(UsageError);
  });
});

describe("confirmWithReader", () => {
  afterEach(() => vi.restoreAllMocks());

  async function answer(line: string): Promise<{ confirmed: boolean; printed: string }> {
    let printed = "";
    vi.spyOn(process.stdout, "write").mockImplementation((chunk) => { printed += String(chunk); return true; });
    const input = new PassThrough();
    input.end(line);
    const reader = new LineReader(input);
    const confirmed = await confirmWithReader(reader)(["shoulder_pan: homing_offset 10 != 12", "gripper: range_min 0 != 5"]);
    reader.close();
    vi.restoreAllMocks();
    return { confirmed, printed };
  }

  it("lists the differences and writes the file's calibration on Enter", async () => {
    const { confirmed, printed } = await answer("\n");
    expect(confirmed).toBe(true);
    expect(printed).toContain("The motors' calibration differs from the calibration file:\n  shoulder_pan: homing_offset 10 != 12\n  gripper: range_min 0 != 5\n");
    expect(printed).toMatch(/Press ENTER to write the file's calibration to the motors, or type 'c'/);
  });

  it("calibrates instead on 'c', in either case and with spaces around it", async () => {
    expect((await answer("c\n")).confirmed).toBe(false);
    expect((await answer(" C \n")).confirmed).toBe(false);
    expect((await answer("x\n")).confirmed).toBe(true);
  });
});
