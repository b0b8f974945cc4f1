/**
 * Progress on stderr for work that may be quick or long (edit, convert, repair): nothing for the
 * first second, then at most a line every half second (`force` shows a line anyway, e.g. a
 * phase's last count), rewritten in place at a terminal and printed line by line elsewhere.
 */
export interface DelayedProgress {
  update: (line: string, force?: boolean) => void;
  /** At a terminal, end the status line: keep it ("keep", the default) or wipe it ("clear"). */
  done: () => void;
}

export function delayedProgress(options: { atEnd?: "keep" | "clear"; stream?: NodeJS.WriteStream } = {}): DelayedProgress {
  const stream = options.stream ?? process.stderr;
  const started = Date.now();
  let last = 0;
  let shown = false;
  return {
    update(line, force = false) {
      const now = Date.now();
      if (now - started < 1000 || (now - last < 500 && !force)) return;
      last = now;
      stream.write(stream.isTTY ? `\r\x1b[2K${line}` : `${line}\n`);
      shown = true;
    },
    done() {
      if (shown && stream.isTTY) stream.write(options.atEnd === "clear" ? "\r\x1b[2K" : "\n");
    },
  };
}
