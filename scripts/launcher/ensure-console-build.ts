import { spawnSync } from "node:child_process";
import path from "node:path";
import { checkBuild, type BuildStamp } from "./build-stamp";

const CONSOLE_BUILD: BuildStamp = {
  sources: ["app", "components", "lib", "drizzle/schema", "next.config.ts", "postcss.config.mjs", "package-lock.json", "tsconfig.json"],
  output: ".next/BUILD_ID",
  marker: ".next/warden-source-fingerprint",
};

/**
 * Builds the production console when there is no build yet or the sources changed since the last one,
 * so the first `npm start` builds and later ones start in seconds.
 */
export function ensureConsoleBuild(root: string, log: (line: string) => void): void {
  const build = checkBuild(root, CONSOLE_BUILD);
  if (build.isCurrent) return;
  log("Building the console for production (first start, or the sources changed; this takes a minute or two)…");
  const nextCli = path.join(root, "node_modules", "next", "dist", "bin", "next");
  const result = spawnSync(process.execPath, [nextCli, "build"], { cwd: root, stdio: "inherit", env: { ...process.env, NEXT_TELEMETRY_DISABLED: "1" } });
  if (result.status !== 0) throw new Error("The console build failed (see the output above).");
  build.markBuilt();
}
