/**
 * Progress of Hub uploads and downloads on stderr: one self-overwriting line on a terminal, a
 * few plain lines otherwise (a log file gets the phases, not a line per chunk).
 */
import type { PullProgress, PushProgress } from "../hub/index.js";

export interface ProgressReporter<E> {
  update: (event: E) => void;
  done: () => void;
}

export function pushProgress(stream: NodeJS.WriteStream = process.stderr): ProgressReporter<PushProgress> {
  const line = statusLine(stream);
  let lastPhase = "";
  return {
    update: (event) => {
      const text = event.phase === "start" ? `pushing ${event.files} files (${mb(event.bytes)})`
        : event.phase === "hashing" ? `hashing large files ${event.filesDone}/${event.files}`
        : event.phase === "uploading" ? `uploading ${mb(event.bytesDone)} of ${mb(event.bytes)}`
        : event.phase === "committing" ? "committing"
        : `tagging ${event.tag}`;
      line.show(text, event.phase !== lastPhase);
      lastPhase = event.phase;
    },
    done: line.clear,
  };
}

export function pullProgress(stream: NodeJS.WriteStream = process.stderr): ProgressReporter<PullProgress> {
  const line = statusLine(stream);
  let lastPhase = "";
  return {
    update: (event) => {
      const text = event.phase === "listing" ? `fetching the file list at ${event.revision}`
        : `downloading ${event.filesDone}/${event.files} files, ${mb(event.bytesDone)} of ${mb(event.bytes)}`;
      line.show(text, event.phase !== lastPhase);
      lastPhase = event.phase;
    },
    done: line.clear,
  };
}

/** On a TTY: rewrite one line (at most 10 times a second). Elsewhere: print only when the phase changes. */
function statusLine(stream: NodeJS.WriteStream): { show: (text: string, newPhase: boolean) => void; clear: () => void } {
  const tty = Boolean(stream.isTTY);
  let last = 0;
  let shown = false;
  return {
    show: (text, newPhase) => {
      if (!tty) {
        if (newPhase) stream.write(`${text}\n`);
        return;
      }
      const now = Date.now();
      if (!newPhase && now - last < 100) return;
      last = now;
      shown = true;
      stream.write(`\r\x1b[K${text}`);
    },
    clear: () => {
      if (tty && shown) stream.write("\r\x1b[K");
      shown = false;
    },
  };
}

function mb(bytes: number): string {
  return bytes < 1024 * 1024 ? `${(bytes / 1024).toFixed(1)} kB` : `${(bytes / 1024 / 1024).toFixed(1)} MB`;
}
