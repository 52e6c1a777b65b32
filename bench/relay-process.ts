import { fork } from "node:child_process";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { stopChild } from "@/scripts/launcher/stop-child";
import type { Endpoint } from "./endpoints";

export type RelayProcess = { pid: number; endpoint: Endpoint; stop(): Promise<void> };

const RELAY = path.join(path.dirname(fileURLToPath(import.meta.url)), "byte-relay.mjs");

/** The byte relay (byte-relay.mjs) in a process of its own, in front of `upstream`; clients sign in to the target through it. */
export function startRelayProcess(upstream: Endpoint): Promise<RelayProcess> {
  // execArgv empty: bare node, without the bench's tsx loader.
  const child = fork(RELAY, [upstream.host, String(upstream.port)], { execArgv: [], stdio: ["ignore", "inherit", "inherit", "ipc"] });
  return new Promise((resolve, reject) => {
    const onExit = (code: number | null) => reject(new Error(`the byte relay exited with ${code} before listening`));
    child.once("exit", onExit);
    child.once("error", reject);
    child.once("message", (m: { type: string; port: number }) => {
      child.off("exit", onExit);
      resolve({ pid: child.pid!, endpoint: { ...upstream, host: "127.0.0.1", port: m.port }, stop: () => stopChild(child) });
    });
  });
}
