import { parseArgs, type ParseArgsConfig } from "node:util";

export type Command = {
  name: string;
  usage: string;
  summary: string;
  run(args: string[]): Promise<void>;
};

export class UsageError extends Error {
  override name = "UsageError";
}

/** node:util parseArgs with a usage error (exit 2) instead of a stack trace on bad flags. */
export function parseFlags<T extends NonNullable<ParseArgsConfig["options"]>>(args: string[], options: T, usage: string) {
  try {
    return parseArgs({ args, options, allowPositionals: true, strict: true });
  } catch (err) {
    throw new UsageError(`${(err as Error).message}\nUsage: warden ${usage}`);
  }
}
