/** view: the local dataset viewer (library side of `lerobot-ts view`). */
export { startViewServer } from "./server.js";
export type { ViewServer, ViewServerOptions } from "./server.js";
