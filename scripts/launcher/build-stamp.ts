import { createHash } from "node:crypto";
import fs from "node:fs";
import path from "node:path";

/**
 * What a build depends on and what it leaves behind, for rebuilding only when the sources changed:
 * the console's `next build` and the gateway's bundle both go through here. Paths are relative to
 * the repository root; `sources` may name folders (walked, tests left out) and files.
 */
export type BuildStamp = {
  sources: readonly string[];
  /** A file the build writes; no such file means no build yet. */
  output: string;
  /** Where the fingerprint of the sources of the last build is kept. */
  marker: string;
};

/** A fingerprint of the sources: paths, sizes and modification times (no file is read). */
function sourceFingerprint(root: string, sources: readonly string[]): string {
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
  sources.forEach(walk);
  return hash.digest("hex");
}

/**
 * Whether the last build is still current; `markBuilt()` records that a build of the sources as
 * they were at this check has just finished (taken before building, so an edit made during the
 * build triggers the next one).
 */
export function checkBuild(root: string, stamp: BuildStamp): { isCurrent: boolean; markBuilt(): void } {
  const marker = path.join(root, stamp.marker);
  const fingerprint = sourceFingerprint(root, stamp.sources);
  const isCurrent = fs.existsSync(path.join(root, stamp.output)) && fs.existsSync(marker) && fs.readFileSync(marker, "utf8") === fingerprint;
  return {
    isCurrent,
    markBuilt() {
      fs.mkdirSync(path.dirname(marker), { recursive: true });
      fs.writeFileSync(marker, fingerprint);
    },
  };
}
