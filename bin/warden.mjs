#!/usr/bin/env node
// `npx warden <command>`: runs scripts/warden.ts under tsx. The react-server condition lets the CLI
// share the console's services in lib/server (which start with `import "server-only"`).
import { spawnSync } from "node:child_process";
import { createRequire } from "node:module";
import path from "node:path";
import { fileURLToPath } from "node:url";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const require = createRequire(import.meta.url);
const tsxCli = require.resolve("tsx/cli");
const result = spawnSync(
  process.execPath,
  [tsxCli, "--conditions=react-server", "--tsconfig", path.join(root, "tsconfig.json"), path.join(root, "scripts/warden.ts"), ...process.argv.slice(2)],
  { stdio: "inherit" },
);
process.exit(result.status ?? 1);
