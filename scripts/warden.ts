import { ConfigError } from "@/lib/shared/config";
import { commands } from "./warden-commands";

/** `warden <command> [args]`: each command lives in scripts/warden-commands/<name>.ts. */
async function main(argv: string[]) {
  const [name, ...args] = argv;
  const command = commands.find((c) => c.name === name);
  if (!command || name === "help" || name === "--help") {
    console.log("Usage: warden <command> [options]\n\nCommands:");
    for (const c of commands) console.log(`  ${c.usage.padEnd(60)} ${c.summary}`);
    process.exit(name && name !== "help" && name !== "--help" ? 2 : 0);
  }
  await command.run(args);
}

main(process.argv.slice(2)).then(
  () => process.exit(process.exitCode ?? 0),
  (err) => {
    console.error(err instanceof ConfigError || err?.name === "UsageError" ? err.message : `warden: ${err?.stack ?? err}`);
    process.exit(err?.name === "UsageError" ? 2 : 1);
  },
);
