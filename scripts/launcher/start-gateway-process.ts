import { fork, type ChildProcess } from "node:child_process";
import path from "node:path";
import type { GatewayListening } from "@/proxy/main";
import { GATEWAY_BUNDLE } from "./build-gateway";
import { forwardOutput, stdioFor, type ChildOutput } from "./child-output";
import { stopChild } from "./stop-child";

export type GatewayProcess = {
  /** The process started: the worker itself, or with GATEWAY_WORKERS > 1 the cluster primary. */
  pid: number;
  /** The processes that serve connections (their RSS is the gateway's memory). */
  workerPids: number[];
  host: string;
  port: number;
  tlsCertPath: string | null;
  /** Resolves with the exit code when the gateway ends by itself. */
  exited: Promise<number>;
  /** process.memoryUsage() of the worker (GATEWAY_WORKERS=1 only): how much of its RSS is V8's heap, buffers, WASM. */
  memoryUsage(): Promise<NodeJS.MemoryUsage>;
  /** SIGTERM (sessions end with 57P01, the last records are written), SIGKILL after 10 s. Idempotent. */
  stop(): Promise<void>;
};

/**
 * Runs the compiled gateway, `node dist/gateway.mjs` (build it first: ensureGatewayBuild), as a
 * child process configured by `env` (gatewayEnvironment), and resolves once every worker listens,
 * with the port and certificate path it reports over IPC. `npm start` and the bench both start it here.
 */
export function startGatewayProcess(opts: { root: string; env: NodeJS.ProcessEnv; args?: string[]; output: ChildOutput }): Promise<GatewayProcess> {
  const stdio = stdioFor(opts.output, { ipc: true });
  // execArgv empty, not inherited: under tsx it would carry tsx's loader into the gateway.
  const child = fork(path.join(opts.root, GATEWAY_BUNDLE), opts.args ?? [], { cwd: opts.root, env: opts.env, execArgv: [], stdio });
  forwardOutput(child, opts.output, stdio);
  const exited = new Promise<number>((resolve) => child.once("exit", (code, signal) => resolve(code ?? (signal ? 1 : 0))));
  return new Promise((resolve, reject) => {
    const onExit = (code: number | null, signal: NodeJS.Signals | null) =>
      reject(new Error(`The gateway exited with ${signal ?? code} before listening${typeof opts.output === "object" ? `; see ${opts.output.file}` : " (see its output above)"}.`));
    child.once("exit", onExit);
    child.once("error", reject);
    child.on("message", (m: GatewayListening) => {
      if (m?.type !== "gateway-listening") return;
      child.off("exit", onExit);
      resolve({
        pid: child.pid!,
        workerPids: m.workerPids,
        host: m.host,
        port: m.port,
        tlsCertPath: m.tlsCertPath,
        exited,
        memoryUsage: () => askMemoryUsage(child),
        stop: () => stopChild(child),
      });
    });
  });
}

function askMemoryUsage(child: ChildProcess): Promise<NodeJS.MemoryUsage> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      child.off("message", onMessage);
      reject(new Error("the gateway did not report its memory within 5 s"));
    }, 5000);
    const onMessage = (m: { type?: string; usage?: NodeJS.MemoryUsage }) => {
      if (m?.type !== "memory-usage" || !m.usage) return;
      clearTimeout(timer);
      child.off("message", onMessage);
      resolve(m.usage);
    };
    child.on("message", onMessage);
    child.send({ type: "memory-usage" });
  });
}
