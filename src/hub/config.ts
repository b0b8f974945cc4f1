/**
 * Where the Hub is and who we are on it, found as the Hugging Face tools find them
 * (huggingface_hub constants.py and utils/_auth.py): endpoint from HF_ENDPOINT, token from
 * HF_TOKEN (or the older HUGGING_FACE_HUB_TOKEN), else the token file that `hf auth login`
 * writes: HF_TOKEN_PATH, else $HF_HOME/token, else ~/.cache/huggingface/token.
 */
import fs from "node:fs";
import os from "node:os";
import path from "node:path";

const DEFAULT_HUB_ENDPOINT = "https://huggingface.co";

export interface HubConfig {
  /** Base URL, no trailing slash. */
  endpoint: string;
  /** undefined when no token was found (enough to read public repos). */
  token: string | undefined;
  /** Where the token came from, for messages: "HF_TOKEN" or the token file's path. */
  tokenSource: string | undefined;
  /** The token file the Hugging Face tools read and write, whether it exists or not. */
  tokenFile: string;
  /** HF_HUB_OFFLINE=1: never touch the network. */
  offline: boolean;
}

function hubEndpoint(env: NodeJS.ProcessEnv = process.env): string {
  const endpoint = env.HF_ENDPOINT?.trim() || DEFAULT_HUB_ENDPOINT;
  return endpoint.replace(/\/+$/, "");
}

/** The token file: HF_TOKEN_PATH, else $HF_HOME/token, else ~/.cache/huggingface/token. */
function tokenFilePath(env: NodeJS.ProcessEnv = process.env): string {
  if (env.HF_TOKEN_PATH) return path.resolve(expandHome(env.HF_TOKEN_PATH));
  const hfHome = env.HF_HOME ? expandHome(env.HF_HOME) : path.join(env.XDG_CACHE_HOME ? expandHome(env.XDG_CACHE_HOME) : path.join(os.homedir(), ".cache"), "huggingface");
  return path.resolve(hfHome, "token");
}

export function hubConfig(env: NodeJS.ProcessEnv = process.env): HubConfig {
  const tokenFile = tokenFilePath(env);
  const offline = /^(1|true|yes|on)$/i.test(env.HF_HUB_OFFLINE ?? "");
  const base = { endpoint: hubEndpoint(env), tokenFile, offline };
  // huggingface_hub: an empty HF_TOKEN counts as unset.
  for (const name of ["HF_TOKEN", "HUGGING_FACE_HUB_TOKEN"] as const) {
    const value = env[name]?.trim();
    if (value) return { ...base, token: value, tokenSource: name };
  }
  let text: string | undefined;
  try {
    text = fs.readFileSync(tokenFile, "utf8").trim();
  } catch {
    text = undefined;
  }
  return text ? { ...base, token: text, tokenSource: tokenFile } : { ...base, token: undefined, tokenSource: undefined };
}

/** The one line that says how to log in, for messages about a missing token. */
export function loginHint(config: HubConfig): string {
  return `log in with \`hf auth login\` (or \`huggingface-cli login\`), which writes ${config.tokenFile}, or set HF_TOKEN to a write token from https://huggingface.co/settings/tokens`;
}

function expandHome(p: string): string {
  return p === "~" || p.startsWith("~/") ? path.join(os.homedir(), p.slice(1)) : p;
}
