#!/usr/bin/env node
// `npx warden <command>`: runs scripts/warden.ts under tsx. The react-server condition lets the CLI
// share the console's services in lib/server (which start with `import "server-only"`).
import { spawnSync } from "node:child_process";
import { createRequire } from "node:module";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const require = createRequire(import.meta.url);
let tsxCli;
try {
  tsxCli = require.resolve("tsx/cli");
} catch {
  process.stderr.write(`warden: its dependencies are not installed: run \`npm install\` in ${root} first.\n`);
  process.exit(1);
}
const result = spawnSync(
  process.execPath,
  [tsxCli, "--conditions=react-server", "--tsconfig", path.join(root, "tsconfig.json"), path.join(root, "scripts/warden.ts"), ...process.argv.slice(2)],
  { stdio: "inherit" },
);
if (result.error) {
  process.stderr.write(`warden: could not run ${process.execPath}: ${result.error.message}\n`);
  process.exit(1);
}
// Killed by a signal (Ctrl-C): exit as shells expect, 128 + the signal's number.
process.exit(result.status ?? 128 + (os.constants.signals[result.signal] ?? 0));
