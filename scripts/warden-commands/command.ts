import { parseArgs, type ParseArgsConfig } from "node:util";

export type Command = {
  name: string;
  /** One line for `warden --help`. */
  usage: string;
  summary: string;
  /**
   * The full text `warden <command> --help` prints; with a subcommand (`warden token create --help`),
   * that subcommand's text when the command has one.
   */
  help(subcommand?: string): string;
  run(args: string[]): Promise<void>;
};

/** The user's mistake (a bad flag, a missing argument, a refusal they can act on): exit 2, no stack trace. */
export class UsageError extends Error {
  override name = "UsageError";
}

/** Something outside the user's command went wrong in a way a sentence explains (the store is down): exit 1, no stack trace. */
export class CliFailure extends Error {
  override name = "CliFailure";
}

/** `--help` or `-h` anywhere before a `--` asks for help instead of running the command. */
export function isHelpRequest(args: readonly string[]): boolean {
  for (const a of args) {
    if (a === "--") return false;
    if (a === "--help" || a === "-h") return true;
  }
  return false;
}

/**
 * node:util parseArgs with a usage error (exit 2) instead of a stack trace on bad flags, and at most
 * `maxPositionals` positional arguments (a stray word is a mistake, not something to ignore).
 */
export function parseFlags<T extends NonNullable<ParseArgsConfig["options"]>>(args: string[], options: T, usage: string, maxPositionals = 0) {
  let parsed;
  try {
    parsed = parseArgs({ args, options, allowPositionals: true, strict: true });
  } catch (err) {
    throw new UsageError(`${flagProblem(err as Error & { code?: string })}\n${usageLines(usage)}`);
  }
  if (parsed.positionals.length > maxPositionals) {
    const extra = parsed.positionals.slice(maxPositionals).map((p) => `"${p}"`).join(", ");
    throw new UsageError(`Unexpected argument${parsed.positionals.length - maxPositionals === 1 ? "" : "s"} ${extra}.\n${usageLines(usage)}`);
  }
  return parsed;
}

/** "Usage: warden …" for one or more usage lines (later lines already start with "warden"). */
export function usageLines(usage: string): string {
  return `Usage: warden ${usage}`;
}

/** parseArgs' messages, without its advice about `--` (which fits a typo badly). */
function flagProblem(err: Error & { code?: string }): string {
  const option = /'(-[^']*)'/.exec(err.message)?.[1];
  if (err.code === "ERR_PARSE_ARGS_UNKNOWN_OPTION" && option) return `Unknown option ${option}.`;
  if (err.code === "ERR_PARSE_ARGS_INVALID_OPTION_VALUE" && /argument missing/.test(err.message)) {
    return `${/'(--[\w-]+)/.exec(err.message)?.[1] ?? "An option"} needs a value.`;
  }
  if (err.code === "ERR_PARSE_ARGS_INVALID_OPTION_VALUE" && /argument is ambiguous/.test(err.message)) {
    const flag = /'(--[\w-]+)/.exec(err.message)?.[1] ?? "--option";
    return `${flag} needs a value (for a value that starts with a dash, write ${flag}=-…).`;
  }
  if (err.code === "ERR_PARSE_ARGS_INVALID_OPTION_VALUE" && /does not take an argument/.test(err.message)) {
    return `${/'(--[\w-]+)/.exec(err.message)?.[1] ?? "An option"} takes no value.`;
  }
  return err.message;
}
