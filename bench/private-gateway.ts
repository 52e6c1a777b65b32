import { fork } from "node:child_process";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { build } from "esbuild";
import type { GatewayListening } from "@/proxy/main";
import { gatewayBuildOptions } from "@/scripts/launcher/build-gateway";
import { stopChild } from "@/scripts/launcher/stop-child";
import type { BenchEnvironment } from "./environment";
import { benchGatewayEnvironment } from "./targets";

/**
 * A gateway for the single-scenario scripts (large-result-only.ts, strict-latency-only.ts): compiled
 * as scripts/launcher/build-gateway.ts does, into dist/<name>/ (not dist/, which npm start and the
 * bench use), and run as one process with the bench's settings, optionally profiled (--cpu-prof).
 */
export type PrivateGateway = { port: number; pid: number; bundle: string; stop(): Promise<void> };

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");

/** Compiles the gateway into dist/<name>/gateway.mjs; returns the bundle's path. */
export async function buildPrivateGateway(name: string): Promise<string> {
  const outfile = path.join(root, "dist", name, "gateway.mjs");
  await build(gatewayBuildOptions(root, outfile));
  return outfile;
}

/** Starts the bundle in a recording mode; `profileDir`: its workers write CPU profiles there. */
export async function startPrivateGateway(bundle: string, env: BenchEnvironment, mode: "strict" | "async", profileDir?: string): Promise<PrivateGateway> {
  const settings = await benchGatewayEnvironment(env, mode);
  const execArgv = ["--enable-source-maps", ...(profileDir ? ["--cpu-prof", `--cpu-prof-dir=${path.resolve(profileDir)}`] : [])];
  const child = fork(bundle, [], { cwd: root, env: settings, execArgv, stdio: ["ignore", "inherit", "inherit", "ipc"] });
  const listening = await new Promise<GatewayListening>((resolve, reject) => {
    child.once("exit", (code) => reject(new Error(`the gateway exited with ${code} before listening`)));
    child.on("message", (m: GatewayListening) => m?.type === "gateway-listening" && resolve(m));
  });
  return { port: listening.port, pid: listening.workerPids[0] ?? child.pid!, bundle, stop: () => stopChild(child, 20_000) };
}
