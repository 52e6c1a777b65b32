import { ConfigError } from "@/lib/shared/config";
import { CliFailure, isHelpRequest, UsageError, type Command } from "./command";

/** Where the CLI writes; every message handed to it is written as whole lines. */
export type CliOutput = { stdout(text: string): void; stderr(text: string): void };

/** Exit codes: 0 done (and help asked for), 1 failed (store down, bad environment, audit trail altered), 2 a usage mistake. */
export const EXIT = { ok: 0, failed: 1, usage: 2 } as const;

/**
 * `warden <command> [args]`: help, dispatch and the one place that turns errors into messages and
 * exit codes. Help that was asked for goes to stdout (exit 0); a mistake's message and usage go to
 * stderr (exit 2); a failure's sentence to stderr (exit 1); only an unexpected error shows a stack.
 */
export async function runCli(argv: readonly string[], commands: readonly Command[], io: CliOutput): Promise<number> {
  const out = (text: string) => io.stdout(asLines(text));
  const err = (text: string) => io.stderr(asLines(text));
  const [name, ...args] = argv;

  if (name === undefined) {
    err(`Give a command.\n\n${overview(commands)}`);
    return EXIT.usage;
  }
  if (name === "--help" || name === "-h" || name === "help") {
    const [topic, sub] = name === "help" ? args : [];
    if (topic === undefined) {
      out(overview(commands));
      return EXIT.ok;
    }
    const command = commands.find((c) => c.name === topic);
    if (!command) {
      err(`There is no command "${topic}".\n\n${overview(commands)}`);
      return EXIT.usage;
    }
    out(command.help(sub));
    return EXIT.ok;
  }
  const command = commands.find((c) => c.name === name);
  if (!command) {
    err(`${name.startsWith("-") ? `Unknown option ${name}` : `Unknown command "${name}"`}.\n\n${overview(commands)}`);
    return EXIT.usage;
  }
  if (isHelpRequest(args)) {
    const sub = args[0] && !args[0].startsWith("-") ? args[0] : undefined;
    out(command.help(sub));
    return EXIT.ok;
  }

  try {
    await command.run([...args]);
    return typeof process.exitCode === "number" ? process.exitCode : EXIT.ok;
  } catch (e) {
    if (e instanceof UsageError) {
      err(e.message);
      return EXIT.usage;
    }
    if (e instanceof CliFailure) {
      err(e.message);
      return EXIT.failed;
    }
    if (e instanceof ConfigError) {
      // The problems alone: "Warden cannot start" fits the server, not a command.
      err(e.problems.join("\n"));
      return EXIT.failed;
    }
    const error = e as Error | undefined;
    err(`warden ${name}: unexpected error (please report it): ${error?.stack ?? String(e)}`);
    return EXIT.failed;
  }
}

/** `warden --help`: every command with its usage line and what it does. */
export function overview(commands: readonly Command[]): string {
  const lines = ["Usage: warden <command> [options]", "", "Commands:"];
  for (const c of commands) lines.push(`  ${c.usage}`, `      ${c.summary}`);
  lines.push(
    "",
    "`warden <command> --help` (or `warden help <command>`) explains a command and its options.",
    "The store is DATABASE_URL (with WARDEN_SECRET_KEY); without it, the embedded store that `npm start`",
    "keeps in WARDEN_DATA_DIR (.warden), which must be running.",
    "Exit codes: 0 done, 1 failed, 2 a mistake in the command (usage on stderr).",
  );
  return lines.join("\n");
}

/** Every message ends with exactly one newline, so the shell prompt never lands after it. */
export function asLines(text: string): string {
  return text.endsWith("\n") ? text : `${text}\n`;
}
