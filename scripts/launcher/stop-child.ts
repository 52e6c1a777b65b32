import type { ChildProcess } from "node:child_process";

/**
 * Stops a child process and resolves once it has exited: SIGTERM first, so it can end its own way
 * (the gateway ends its sessions and writes its last records, pgbouncer closes its pools), then
 * SIGKILL when it is still there after `graceMs`. Resolves at once when it had already exited.
 * The launcher's console and gateway and the bench's gateway workers, relay and pgbouncer all stop here.
 */
export function stopChild(child: ChildProcess, graceMs = 10_000): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    const kill = setTimeout(() => child.kill("SIGKILL"), graceMs);
    child.once("exit", () => {
      clearTimeout(kill);
      resolve();
    });
    child.kill("SIGTERM");
  });
}
