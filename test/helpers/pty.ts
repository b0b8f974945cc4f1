/**
 * A connected pair of pseudo-terminals from socat: bytes written to one end come out of the other,
 * through the kernel's tty layer, as with a real serial adapter. Undefined when socat is missing.
 */
import { spawn } from "node:child_process";

export interface PtyPair {
  a: string;
  b: string;
  /** Kill socat; both ends go away, as when a USB adapter is unplugged. */
  close(): Promise<void>;
}

export function openPtyPair(): Promise<PtyPair | undefined> {
  const socat = spawn("socat", ["-d", "-d", "pty,raw,echo=0", "pty,raw,echo=0"], { stdio: ["ignore", "ignore", "pipe"] });
  const exited = new Promise<void>((resolve) => socat.once("close", () => resolve()));
  const close = async (): Promise<void> => {
    if (socat.exitCode === null && socat.signalCode === null) socat.kill();
    await exited;
  };
  return new Promise((resolve, reject) => {
    let stderr = "";
    const timer = setTimeout(() => {
      void close();
      reject(new Error(`socat did not report two ptys within 5 s: ${stderr}`));
    }, 5000);
    socat.once("error", (error: NodeJS.ErrnoException) => {
      clearTimeout(timer);
      if (error.code === "ENOENT") resolve(undefined);
      else reject(error);
    });
    socat.stderr.setEncoding("utf8");
    socat.stderr.on("data", (text: string) => {
      stderr += text;
      const paths = [...stderr.matchAll(/PTY is (\/dev\/\S+)/g)].map((m) => m[1]!);
      const [a, b] = paths;
      // socat reports "starting data transfer loop" once both ends exist and it is relaying.
      if (a && b && /starting data transfer loop/.test(stderr)) {
        clearTimeout(timer);
        resolve({ a, b, close });
      }
    });
    socat.once("exit", (code) => {
      clearTimeout(timer);
      reject(new Error(`socat exited (${code}) before reporting two ptys: ${stderr}`));
    });
  });
}
