import fs from "node:fs";
import type { ChildProcess, StdioOptions } from "node:child_process";

/** Where a child process's output goes: this terminal, a line callback (tests keep it in a log), or a file. */
export type ChildOutput = "inherit" | ((line: string) => void) | { file: string };

/** stdio for spawn/fork (stdin ignored); with `ipc`, the channel the gateway reports its port on. */
export function stdioFor(output: ChildOutput, opts: { ipc?: boolean } = {}): StdioOptions {
  const tail = opts.ipc ? (["ipc"] as const) : [];
  if (output === "inherit") return ["ignore", "inherit", "inherit", ...tail];
  if (typeof output === "function") return ["ignore", "pipe", "pipe", ...tail];
  const fd = fs.openSync(output.file, "a");
  return ["ignore", fd, fd, ...tail];
}

/** After spawning with stdioFor(output): hands the output to its callback, or closes this process's copy of the file. */
export function forwardOutput(child: ChildProcess, output: ChildOutput, stdio: StdioOptions): void {
  if (typeof output === "function") {
    for (const stream of [child.stdout, child.stderr]) {
      stream?.setEncoding("utf8").on("data", (chunk: string) => chunk.split("\n").filter(Boolean).forEach(output));
    }
  } else if (typeof output === "object" && Array.isArray(stdio) && typeof stdio[1] === "number") {
    fs.closeSync(stdio[1]);
  }
}
