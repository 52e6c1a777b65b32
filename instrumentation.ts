/**
 * Next.js calls `register()` once when a server process starts. The console's background jobs (the
 * outbox's delivery, retention) run only in the Node.js runtime, and are imported here dynamically
 * so the Edge bundle never sees `pg` or `node:` modules. A bad WARDEN_SINK_* value stops start-up
 * with its sentence (parseConfig).
 */
export async function register() {
  if (process.env.NEXT_RUNTIME !== "nodejs") return;
  const { startConsoleJobs } = await import("./lib/server/background/start-console-jobs");
  await startConsoleJobs();
}
