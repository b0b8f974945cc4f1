/**
 * Answers to prompts, one line of stdin each: from a person at a terminal or from a script
 * piping lines (tests, automation). Lines typed before a prompt wait in order.
 */
import readline from "node:readline";
import { UsageError } from "./errors.js";

export class LineReader {
  private readonly lines: string[] = [];
  private readonly waiting: ((line: string | undefined) => void)[] = [];
  private ended = false;
  private readonly rl: readline.Interface;

  constructor(input: NodeJS.ReadableStream = process.stdin) {
    this.rl = readline.createInterface({ input, terminal: false });
    this.rl.on("line", (line) => {
      const next = this.waiting.shift();
      if (next) next(line);
      else this.lines.push(line);
    });
    this.rl.on("close", () => {
      this.ended = true;
      for (const w of this.waiting.splice(0)) w(undefined);
    });
  }

  /** Print `message` and resolve with the next line; rejects when stdin has ended. */
  async ask(message: string, output: NodeJS.WritableStream = process.stdout): Promise<string> {
    output.write(message.endsWith("\n") || message.endsWith(" ") ? message : `${message}\n`);
    const line = this.lines.shift() ?? (this.ended ? undefined : await new Promise<string | undefined>((resolve) => this.waiting.push(resolve)));
    if (line === undefined) throw new UsageError("stdin ended before the question was answered");
    return line;
  }

  close(): void {
    this.rl.close();
  }
}

/**
 * LeRobot's question when a motor's calibration differs from the file: Enter writes the file's
 * values to the motors, 'c' stops so the arm can be calibrated.
 */
export function confirmWithReader(reader: LineReader): (differences: string[]) => Promise<boolean> {
  return async (differences) => {
    process.stdout.write(`The motors' calibration differs from the calibration file:\n${differences.map((d) => `  ${d}`).join("\n")}\n`);
    const answer = await reader.ask("Press ENTER to write the file's calibration to the motors, or type 'c' and press ENTER to calibrate instead: ");
    return answer.trim().toLowerCase() !== "c";
  };
}
