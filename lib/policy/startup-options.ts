/**
 * The `options` startup parameter (libpq `options` / PGOPTIONS, JDBC `options=`, the drivers'
 * `options`), read exactly as PostgreSQL reads it, so the gateway judges what the server would apply.
 *
 * PostgreSQL splits the string into words (pg_split_opts: whitespace separates, a backslash makes the
 * next character literal), then reads the words as the server's own command-line switches
 * (process_postgres_switches: getopt over "B:bC:c:D:d:EeFf:h:ijk:lN:nOPp:r:S:sTt:v:W:-:").
 * `-c name=value` and `--name=value` set a parameter (ParseLongOption: the name ends at the first
 * `=`, and its `-` are read as `_`); other switches are shorthands for parameters (`-e` is
 * DateStyle=euro, `-S 1024` work_mem=1024...) or do nothing in a client's session. Each becomes the
 * setting it stands for. A string the server would refuse (an unknown switch, a missing value, a word
 * that is not a switch) is refused here with the server's own words.
 * https://www.postgresql.org/docs/current/libpq-connect.html#LIBPQ-CONNECT-OPTIONS
 * https://www.postgresql.org/docs/current/app-postgres.html
 */

/** One parameter a switch of `options` sets, with the client's own spelling of the switch (for messages). */
export type OptionSetting = { name: string; value: string; given: string };

export type OptionsError = { sqlState: string; message: string; hint?: string };

export type ParsedOptions = { isValid: true; settings: OptionSetting[] } | { isValid: false; error: OptionsError };

/** The server's switches; a letter followed by `:` takes a value. */
const SWITCHES = "B:bC:c:D:d:EeFf:h:ijk:lN:nOPp:r:S:sTt:v:W:-:";

/** Switches that set one parameter to the switch's value. */
const VALUE_SWITCHES: Record<string, string> = {
  B: "shared_buffers",
  h: "listen_addresses",
  k: "unix_socket_directories",
  N: "max_connections",
  p: "port",
  S: "work_mem",
  W: "post_auth_delay",
};

/** Switches that set one parameter to a fixed value. */
const FIXED_SWITCHES: Record<string, [string, string]> = {
  e: ["datestyle", "euro"],
  F: ["fsync", "false"],
  i: ["listen_addresses", "*"],
  l: ["ssl", "true"],
  O: ["allow_system_table_mods", "true"],
  P: ["ignore_system_indexes", "true"],
  s: ["log_statement_stats", "true"],
};

/** Switches the server reads only from its own command line: in a client's `options` they do nothing. */
const IGNORED_SWITCHES = new Set(["b", "C", "D", "E", "j", "n", "r", "T", "v"]);

/** `-f x`: which plan type is turned off (set_plan_disabling_options). */
const PLAN_SWITCHES: Record<string, string> = {
  s: "enable_seqscan",
  i: "enable_indexscan",
  o: "enable_indexonlyscan",
  b: "enable_bitmapscan",
  t: "enable_tidscan",
  n: "enable_nestloop",
  m: "enable_mergejoin",
  h: "enable_hashjoin",
};

/** `--name` values that select another program and must come first on a real command line. */
const DISPATCH_OPTIONS = new Set(["check", "boot", "describe-config", "single"]);

/** What C's isspace() counts as white space in the C locale. */
const isCSpace = (c: string) => c === " " || c === "\t" || c === "\n" || c === "\v" || c === "\f" || c === "\r";

/** pg_split_opts: words separated by white space; a backslash makes the next character part of the word. */
export function splitOptions(options: string): string[] {
  const words: string[] = [];
  let i = 0;
  while (i < options.length) {
    while (i < options.length && isCSpace(options[i])) i++;
    if (i >= options.length) break;
    let word = "";
    let isEscaped = false;
    for (; i < options.length; i++) {
      const c = options[i];
      if (isCSpace(c) && !isEscaped) break;
      if (!isEscaped && c === "\\") isEscaped = true;
      else {
        isEscaped = false;
        word += c;
      }
    }
    words.push(word);
  }
  return words;
}

const invalidArgument = (word: string): ParsedOptions => ({
  isValid: false,
  error: { sqlState: "42601", message: `invalid command-line argument for server process: ${word}`, hint: 'Try "postgres --help" for more information.' },
});

const syntaxError = (message: string): ParsedOptions => ({ isValid: false, error: { sqlState: "42601", message } });

/** Reads an `options` value into the parameters it sets, in order. */
export function parseOptions(options: string): ParsedOptions {
  const words = splitOptions(options);
  const settings: OptionSetting[] = [];
  const set = (name: string, value: string, given: string) => settings.push({ name, value, given });
  // getopt as glibc runs it: a word that is not a switch is set aside and scanning goes on; any such
  // word makes the server refuse the whole string once the switches are read.
  let strayWord: string | null = null;
  for (let w = 0; w < words.length; w++) {
    const word = words[w];
    if (word === "--") {
      // End of switches: whatever follows is a stray word.
      if (w + 1 < words.length) strayWord ??= words[w + 1];
      break;
    }
    if (!word.startsWith("-") || word === "-") {
      strayWord ??= word;
      continue;
    }
    for (let at = 1; at < word.length; at++) {
      const letter = word[at];
      const spec = SWITCHES.indexOf(letter);
      if (letter === ":" || spec < 0) return invalidArgument(word);
      if (SWITCHES[spec + 1] !== ":") {
        const given = `-${letter}`;
        if (FIXED_SWITCHES[letter]) set(FIXED_SWITCHES[letter][0], FIXED_SWITCHES[letter][1], given);
        else if (!IGNORED_SWITCHES.has(letter)) return invalidArgument(word);
        continue;
      }
      // A switch that takes a value: the rest of the word, or else the next word (whatever it is).
      let arg: string;
      let argWord = word;
      if (at + 1 < word.length) arg = word.slice(at + 1);
      else if (w + 1 < words.length) arg = argWord = words[++w];
      else return invalidArgument(word);
      const outcome = readSwitch(letter, arg, argWord, set);
      if (outcome) return outcome;
      break;
    }
  }
  if (strayWord !== null) return invalidArgument(strayWord);
  return { isValid: true, settings };
}

/** One switch with its value (`argWord`: the word it was read from); returns the refusal when the server would refuse it. */
function readSwitch(letter: string, arg: string, argWord: string, set: (name: string, value: string, given: string) => void): ParsedOptions | undefined {
  const given = `-${letter} ${arg}`;
  if (letter === "c" || letter === "-") {
    if (letter === "-" && DISPATCH_OPTIONS.has(arg)) return syntaxError(`--${arg} must be first argument`);
    const equals = arg.indexOf("=");
    if (equals < 0) return syntaxError(letter === "-" ? `--${arg} requires a value` : `-c ${arg} requires a value`);
    set(arg.slice(0, equals).replaceAll("-", "_"), arg.slice(equals + 1), letter === "-" ? `--${arg}` : `-c ${arg}`);
    return;
  }
  if (VALUE_SWITCHES[letter]) {
    set(VALUE_SWITCHES[letter], arg, given);
    return;
  }
  switch (letter) {
    case "d":
      for (const [name, value] of debugSettings(parseCInt(arg))) set(name, value, given);
      return;
    case "f": {
      const name = PLAN_SWITCHES[arg[0] ?? ""];
      if (!name) return invalidArgument(argWord);
      set(name, "false", given);
      return;
    }
    case "t": {
      const name = arg[0] === "p" ? (arg[1] === "a" ? "log_parser_stats" : arg[1] === "l" ? "log_planner_stats" : undefined) : arg[0] === "e" ? "log_executor_stats" : undefined;
      if (!name) return invalidArgument(argWord);
      set(name, "true", given);
      return;
    }
  }
  // C, D, r, v: read only from the server's own command line.
  if (IGNORED_SWITCHES.has(letter)) return;
  return invalidArgument(argWord);
}

/** `-d N` (set_debug_options, in a client's session): log_min_messages, and more output from level 2 up. */
function debugSettings(level: number): [string, string][] {
  const out: [string, string][] = [["log_min_messages", level > 0 ? `debug${level}` : "notice"]];
  if (level >= 2) out.push(["log_statement", "all"]);
  if (level >= 3) out.push(["debug_print_parse", "true"]);
  if (level >= 4) out.push(["debug_print_plan", "true"]);
  if (level >= 5) out.push(["debug_print_rewritten", "true"]);
  return out;
}

/** C's atoi: leading white space, a sign, digits; anything else ends the number (none: 0). */
function parseCInt(text: string): number {
  const m = /^[ \t\n\v\f\r]*([+-]?)(\d*)/.exec(text);
  const digits = m?.[2] ?? "";
  if (!digits) return 0;
  const n = Math.min(Number(digits.slice(0, 12)), 2 ** 31 - 1);
  return m?.[1] === "-" ? -n : n;
}

/**
 * An `options` value that sets exactly these parameters, for a server that reads it with
 * pg_split_opts: `-c name=value` words, with every character that is not a plain letter, digit or
 * one of `_.=-,:/+` escaped by a backslash, so no word can split or join another.
 */
export function formatOptions(settings: readonly { name: string; value: string }[]): string {
  return settings.map((s) => `-c ${escapeWord(s.name)}=${escapeWord(s.value)}`).join(" ");
}

function escapeWord(text: string): string {
  return text.replace(/[^A-Za-z0-9_.=,:/+\u0080-\uffff-]/g, (c) => `\\${c}`);
}
