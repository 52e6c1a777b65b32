import { describe, expect, it } from "vitest";
import { formatOptions, parseOptions, splitOptions } from "./startup-options";

const settingsOf = (options: string) => {
  const parsed = parseOptions(options);
  if (!parsed.isValid) throw new Error(`refused: ${parsed.error.message}`);
  return parsed.settings.map(({ name, value }) => [name, value]);
};
const errorOf = (options: string) => {
  const parsed = parseOptions(options);
  if (parsed.isValid) throw new Error(`accepted: ${JSON.stringify(parsed.settings)}`);
  return parsed.error;
};

describe("splitOptions (pg_split_opts)", () => {
  it("splits on any run of white space, and a backslash keeps the next character, space or backslash, in the word", () => {
    expect(splitOptions("  -c  a=b\t-c\nc=d  ")).toEqual(["-c", "a=b", "-c", "c=d"]);
    expect(splitOptions(String.raw`-c search_path=my\ schema,public`)).toEqual(["-c", "search_path=my schema,public"]);
    expect(splitOptions(String.raw`-c a=x\\y`)).toEqual(["-c", "a=x\\y"]);
    expect(splitOptions(String.raw`-c a=\q\"`)).toEqual(["-c", 'a=q"']);
    // A trailing backslash escapes nothing; quotes are ordinary characters.
    expect(splitOptions("-c a=b\\")).toEqual(["-c", "a=b"]);
    expect(splitOptions(`-c "role=x"`)).toEqual(["-c", '"role=x"']);
    expect(splitOptions("")).toEqual([]);
  });
});

describe("parseOptions (process_postgres_switches)", () => {
  it("reads -c name=value and --name=value, with the name's dashes as underscores and the value up to the end of the word", () => {
    expect(settingsOf("-c search_path=app,public -c statement_timeout=5000")).toEqual([
      ["search_path", "app,public"],
      ["statement_timeout", "5000"],
    ]);
    expect(settingsOf("--statement-timeout=5s --work_mem=64MB")).toEqual([
      ["statement_timeout", "5s"],
      ["work_mem", "64MB"],
    ]);
    expect(settingsOf("-c a.b=x=y")).toEqual([["a.b", "x=y"]]);
    expect(settingsOf("-c x=")).toEqual([["x", ""]]);
  });

  it("finds a setting however a hostile client spells it: attached, long, in any case, after other switches, in clusters", () => {
    expect(settingsOf("-crole=admin")).toEqual([["role", "admin"]]);
    expect(settingsOf("--role=admin")).toEqual([["role", "admin"]]);
    expect(settingsOf("-c ROLE=admin")).toEqual([["ROLE", "admin"]]);
    expect(settingsOf("--session-authorization=postgres")).toEqual([["session_authorization", "postgres"]]);
    expect(settingsOf("-ecrole=admin")).toEqual([
      ["datestyle", "euro"],
      ["role", "admin"],
    ]);
    expect(settingsOf("-c -crole=admin")).toEqual([["_crole", "admin"]]);
    expect(settingsOf(String.raw`-c search_path=x\ -crole=admin`)).toEqual([["search_path", "x -crole=admin"]]);
    expect(settingsOf("-c a=1 -c role=x -c b=2")).toEqual([
      ["a", "1"],
      ["role", "x"],
      ["b", "2"],
    ]);
    // A switch's value is the next word whatever it looks like.
    expect(settingsOf("-c --role=x")).toEqual([["__role", "x"]]);
  });

  it("turns the server's shorthand switches into the settings they stand for", () => {
    expect(settingsOf("-e -S 1024 -fs -t pa -s -O -P -W 3 -B 10 -F")).toEqual([
      ["datestyle", "euro"],
      ["work_mem", "1024"],
      ["enable_seqscan", "false"],
      ["log_parser_stats", "true"],
      ["log_statement_stats", "true"],
      ["allow_system_table_mods", "true"],
      ["ignore_system_indexes", "true"],
      ["post_auth_delay", "3"],
      ["shared_buffers", "10"],
      ["fsync", "false"],
    ]);
    expect(settingsOf("-d 5")).toEqual([
      ["log_min_messages", "debug5"],
      ["log_statement", "all"],
      ["debug_print_parse", "true"],
      ["debug_print_plan", "true"],
      ["debug_print_rewritten", "true"],
    ]);
    expect(settingsOf("-d x")).toEqual([["log_min_messages", "notice"]]);
    // Switches the server reads only from its own command line do nothing from a client.
    expect(settingsOf("-E -j -n -T -b -C x -D /tmp -r out -v 3")).toEqual([]);
  });

  it("refuses what the server refuses, in the server's words", () => {
    expect(errorOf("-c role")).toMatchObject({ sqlState: "42601", message: "-c role requires a value" });
    expect(errorOf("--role")).toMatchObject({ sqlState: "42601", message: "--role requires a value" });
    expect(errorOf("--single")).toMatchObject({ message: "--single must be first argument" });
    expect(errorOf("-x")).toMatchObject({ sqlState: "42601", message: "invalid command-line argument for server process: -x", hint: 'Try "postgres --help" for more information.' });
    expect(errorOf("-c")).toMatchObject({ message: "invalid command-line argument for server process: -c" });
    expect(errorOf("role=x")).toMatchObject({ message: "invalid command-line argument for server process: role=x" });
    expect(errorOf("-c a=1 stray -c role=x")).toMatchObject({ message: "invalid command-line argument for server process: stray" });
    expect(errorOf("-c a=1 -- -c role=x")).toMatchObject({ message: "invalid command-line argument for server process: -c" });
    expect(errorOf("-f z")).toMatchObject({ message: "invalid command-line argument for server process: z" });
    expect(errorOf("-tq")).toMatchObject({ message: "invalid command-line argument for server process: -tq" });
    expect(errorOf("-")).toMatchObject({ message: "invalid command-line argument for server process: -" });
    expect(errorOf("-:")).toMatchObject({ message: "invalid command-line argument for server process: -:" });
  });

  it("formats settings so that the server's split reads them back exactly", () => {
    const settings = [
      { name: "options", value: "-c role=x" },
      { name: "_pq_.x", value: "a\\b c\td'\"" },
      { name: "user", value: "" },
    ];
    const text = formatOptions(settings);
    expect(settingsOf(text)).toEqual(settings.map((s) => [s.name, s.value]));
    expect(splitOptions(text)).toHaveLength(6);
  });
});
