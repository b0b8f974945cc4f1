/**
 * `lerobot-ts view <path | repo_id> [--root DIR] [--episode N] [--port P] [--host 127.0.0.1]
 * [--no-open]`: serve a local dataset to a browser and open it; Ctrl-C stops.
 */
import { spawn } from "node:child_process";
import type { Command } from "commander";
import { DatasetError } from "../../errors.js";
import { startViewServer } from "../../view/index.js";
import { UsageError } from "../errors.js";
import { parseIntFlag } from "../flags.js";
import { localDataset } from "../hub-dataset.js";

export function registerView(program: Command): void {
  program
    .command("view")
    .description("view a local LeRobot dataset in the browser (videos in sync, joint plots, verify findings)")
    .argument("<dataset>", "dataset folder, or a repo id (resolved like LeRobot; --root is its parent folder)")
    .option("--root <dir>", "parent folder of the repo id")
    .option("--episode <n>", "episode to open first", "0")
    .option("--port <n>", "port (default: a free one)", "0")
    .option("--host <host>", "address to bind (default 127.0.0.1: this computer only)", "127.0.0.1")
    .option("--no-open", "do not open a browser")
    .option("--revision <rev>", "for a repo id fetched from the Hub: branch, tag or commit (default: the v3.0 tag, else main)")
    .action(async (target: string, flags: { root?: string; episode: string; port: string; host: string; open: boolean; revision?: string }) => {
      const episode = parseIntFlag("episode", flags.episode, 0);
      const port = parseIntFlag("port", flags.port, 0);
      // A repo id the local cache lacks comes from the Hub first.
      const folder = await localDataset(target, { ...(flags.root !== undefined ? { root: flags.root } : {}), ...(flags.revision !== undefined ? { revision: flags.revision } : {}) });
      let server;
      try {
        server = await startViewServer(folder, { host: flags.host, port });
      } catch (error) {
        // No dataset at that place is a usage error here, as in verify.
        if (error instanceof DatasetError) throw new UsageError(error.message);
        throw error;
      }
      if (episode >= server.dataset.numEpisodes) {
        await server.close();
        throw new UsageError(`--episode ${episode} does not exist (the dataset has ${server.dataset.numEpisodes} episodes)`);
      }
      const url = server.url.replace(/episode_0$/, `episode_${episode}`);
      process.stdout.write(`serving ${server.dataset.root} at ${url} (Ctrl-C stops)\n`);
      if (flags.open) openBrowser(url);
      await new Promise<void>((resolve) => {
        const stop = () => resolve();
        process.once("SIGINT", stop);
        process.once("SIGTERM", stop);
      });
      await server.close();
    });
}

/** The platform's "open this URL" command; silently nothing when there is none (a server). */
function openBrowser(url: string): void {
  const [command, args] = process.platform === "darwin" ? ["open", [url]] : process.platform === "win32" ? ["cmd", ["/c", "start", "", url]] : ["xdg-open", [url]];
  const child = spawn(command, args as string[], { stdio: "ignore", detached: true });
  child.on("error", () => {});
  child.unref();
}
