import { spawnSync } from "node:child_process";
import { createHash } from "node:crypto";
import fs from "node:fs";
import path from "node:path";

const SOURCES = ["app", "components", "lib", "drizzle/schema", "next.config.ts", "postcss.config.mjs", "package-lock.json", "tsconfig.json"];

/** A fingerprint of everything the console build depends on (paths, sizes, modification times). */
function sourceFingerprint(root: string): string {
  const hash = createHash("sha256");
  const walk = (p: string) => {
    const full = path.join(root, p);
    if (!fs.existsSync(full)) return;
    const stat = fs.statSync(full);
    if (stat.isDirectory()) {
      for (const entry of fs.readdirSync(full).sort()) walk(path.join(p, entry));
    } else if (!/\.(test|itest)\.ts$/.test(p)) {
      hash.update(`${p}\0${stat.size}\0${stat.mtimeMs}\n`);
    }
  };
  SOURCES.forEach(walk);
  return hash.digest("hex");
}

/**
 * Builds the production console when there is no build yet or the sources changed since the last one,
 * so the first `npm start` builds and later ones start in seconds.
 */
export function ensureConsoleBuild(root: string, log: (line: string) => void): void {
  const marker = path.join(root, ".next", "warden-source-fingerprint");
  const fingerprint = sourceFingerprint(root);
  const isCurrent =
    fs.existsSync(path.join(root, ".next", "BUILD_ID")) && fs.existsSync(marker) && fs.readFileSync(marker, "utf8") === fingerprint;
  if (isCurrent) return;
  log("Building the console for production (first start, or the sources changed; this takes a minute or two)…");
  const nextCli = path.join(root, "node_modules", "next", "dist", "bin", "next");
  const result = spawnSync(process.execPath, [nextCli, "build"], { cwd: root, stdio: "inherit", env: { ...process.env, NEXT_TELEMETRY_DISABLED: "1" } });
  if (result.status !== 0) throw new Error("The console build failed (see the output above).");
  fs.writeFileSync(marker, fingerprint);
}
