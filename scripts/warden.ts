import { commands } from "./warden-commands";
import { runCli } from "./warden-commands/run-cli";

/** `warden <command> [args]`: each command lives in scripts/warden-commands/<name>.ts; run-cli.ts dispatches. */

// `warden export | head` closes the pipe early: that ends the output, it is not an error.
process.stdout.on("error", (err: NodeJS.ErrnoException) => {
  if (err.code === "EPIPE") process.exit(0);
  throw err;
});

runCli(process.argv.slice(2), commands, {
  stdout: (text) => process.stdout.write(text),
  stderr: (text) => process.stderr.write(text),
}).then((code) => process.exit(code));
