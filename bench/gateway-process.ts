import { fork, type ChildProcess } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import type { RecordingMode } from "@/proxy/recording/recorder";
import type { GatewayWorkerSettings } from "./gateway-worker";

export type GatewayProcess = { pid: number; port: number; stop(): Promise<void> };

const WORKER = path.join(path.dirname(fileURLToPath(import.meta.url)), "gateway-worker.ts");

/** Forks one gateway worker (same tsx loader and conditions as the bench); its log goes to `logFile`. */
export function startGatewayProcess(opts: { storeUrl: string; secretKey: Buffer; recordingMode: RecordingMode; logFile: string }): Promise<GatewayProcess> {
  const settings: GatewayWorkerSettings = { storeUrl: opts.storeUrl, secretKeyHex: opts.secretKey.toString("hex"), recordingMode: opts.recordingMode };
  const log = fs.openSync(opts.logFile, "a");
  const child = fork(WORKER, [], { env: { ...process.env, BENCH_GATEWAY_SETTINGS: JSON.stringify(settings) }, stdio: ["ignore", log, log, "ipc"] });
  fs.closeSync(log);
  return new Promise((resolve, reject) => {
    const onExit = (code: number | null) => reject(new Error(`gateway worker (${opts.recordingMode}) exited with ${code} before listening; see ${opts.logFile}`));
    child.once("exit", onExit);
    child.once("error", reject);
    child.once("message", (m: { type: string; port: number }) => {
      child.off("exit", onExit);
      resolve({ pid: child.pid!, port: m.port, stop: () => stopChild(child) });
    });
  });
}

function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    const kill = setTimeout(() => child.kill("SIGKILL"), 10_000);
    child.once("exit", () => {
      clearTimeout(kill);
      resolve();
    });
    child.kill("SIGTERM");
  });
}
