/** A stand-in for stdout / stderr that keeps what is written, at a terminal or not, for tests of CLI output. */
export interface TextStream extends NodeJS.WriteStream {
  /** Everything written so far. */
  text: string;
  /** Each write() call's text, in order. */
  writes: string[];
}

export function textStream(options: { tty: boolean }): TextStream {
  const stream = {
    text: "",
    writes: [] as string[],
    isTTY: options.tty,
    columns: 80,
    write(chunk: string | Uint8Array) {
      const text = typeof chunk === "string" ? chunk : Buffer.from(chunk).toString();
      stream.text += text;
      stream.writes.push(text);
      return true;
    },
  };
  return stream as unknown as TextStream;
}
