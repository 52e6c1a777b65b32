/**
 * NODE_OPTIONS for a child process without the react-server condition: the launcher, the CLI and the
 * bench run with it (to share the console's services in lib/server); the console and the gateway must not.
 */
export function childNodeOptions(env: NodeJS.ProcessEnv = process.env): string {
  return (env.NODE_OPTIONS ?? "").replace(/--conditions[= ]react-server/g, "").trim();
}
