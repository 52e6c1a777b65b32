import fs from "node:fs";
import net from "node:net";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from "vitest";
import { commands } from "./index";
import { asLines, EXIT, runCli } from "./run-cli";

/** Runs the CLI in this process, as `warden ...argv` would, and keeps what it wrote. */
async function warden(...argv: string[]) {
  let stdout = "";
  let stderr = "";
  const code = await runCli(argv, commands, { stdout: (t) => (stdout += t), stderr: (t) => (stderr += t) });
  return { code, stdout, stderr };
}

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "warden-cli-unit-"));
const emptyDataDir = path.join(tmp, "empty");
const downDataDir = path.join(tmp, "down");
let closedPort = 0;

beforeAll(async () => {
  fs.mkdirSync(emptyDataDir);
  fs.mkdirSync(downDataDir);
  // A port nothing listens on: take one, then let it go.
  closedPort = await new Promise<number>((resolve) => {
    const srv = net.createServer().listen(0, "127.0.0.1", () => {
      const { port } = srv.address() as net.AddressInfo;
      srv.close(() => resolve(port));
    });
  });
  fs.writeFileSync(path.join(downDataDir, "pg.port"), `${closedPort}\n`);
  fs.writeFileSync(path.join(downDataDir, "pg.password"), "pw\n");
  fs.writeFileSync(path.join(downDataDir, "secret.key"), `${"ab".repeat(32)}\n`);
});
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));
beforeEach(() => {
  // The embedded default, whatever the shell running the tests has set.
  vi.stubEnv("DATABASE_URL", "");
  vi.stubEnv("WARDEN_SECRET_KEY", "");
  vi.stubEnv("OIDC_ISSUER", "");
  vi.stubEnv("OIDC_CLIENT_ID", "");
  vi.stubEnv("OIDC_CLIENT_SECRET", "");
  vi.stubEnv("WARDEN_DATA_DIR", emptyDataDir);
  process.exitCode = undefined;
});

describe("warden help", () => {
  it.each([["--help"], ["-h"], ["help"]])("`warden %s` prints every command on stdout and exits 0", async (flag) => {
    const r = await warden(flag);
    expect(r).toMatchObject({ code: EXIT.ok, stderr: "" });
    for (const c of commands) expect(r.stdout).toContain(c.usage);
    expect(r.stdout).toMatch(/\n$/);
  });

  it.each([
    ["token", "--help"],
    ["token", "create", "--help"],
    ["token", "create", "--user", "x@example.com", "-h"],
    ["token", "list", "--help"],
    ["token", "revoke", "--help"],
    ["sessions", "--help"],
    ["sessions", "list", "--help"],
    ["sessions", "export", "--help"],
    ["approvals", "--help"],
    ["approvals", "decide", "--help"],
    ["approvals", "revoke-grant", "--help"],
    ["verify", "--help"],
    ["export", "--help"],
    ["migrate", "--help"],
    ["help", "token"],
    ["help", "token", "create"],
  ])("`warden %s %s` prints usage on stdout and exits 0 without touching a store", async (...argv) => {
    const r = await warden(...argv);
    expect(r).toMatchObject({ code: EXIT.ok, stderr: "" });
    expect(r.stdout).toMatch(/^Usage: warden /);
    expect(r.stdout).toMatch(/[^\n]\n$/);
  });

  it("token create --help says how the groups are found, naming every demo user", async () => {
    const { stdout } = await warden("token", "create", "--help");
    expect(stdout).toContain("--group NAME, repeatable");
    expect(stdout).toContain("last sign-in to the console");
    expect(stdout).toContain("no DATABASE_URL and no OIDC_ISSUER");
    expect(stdout).toContain("dev@example.com (developer)");
    expect(stdout).toContain("admin@example.com (admin)");
    expect(stdout).toContain("Warden does not ask the identity provider itself");
  });

  it("a subcommand's help is its own, not the command's", async () => {
    expect((await warden("token", "revoke", "--help")).stdout).toMatch(/^Usage: warden token revoke ID\n/);
    expect((await warden("sessions", "export", "--help")).stdout).toMatch(/^Usage: warden sessions export/);
  });
});

describe("warden's mistakes and failures", () => {
  // Every path that ends a command with a message: usage mistakes exit 2, failures 1; each message ends with a newline.
  const cases: { argv: string[]; code: number; says: RegExp }[] = [
    { argv: [], code: EXIT.usage, says: /^Give a command\.\n\nUsage: warden <command>/ },
    { argv: ["bogus"], code: EXIT.usage, says: /^Unknown command "bogus"\.\n/ },
    { argv: ["--bogus"], code: EXIT.usage, says: /^Unknown option --bogus\.\n/ },
    { argv: ["help", "bogus"], code: EXIT.usage, says: /^There is no command "bogus"\.\n/ },
    { argv: ["token"], code: EXIT.usage, says: /^Usage: warden token create/ },
    { argv: ["token", "mint"], code: EXIT.usage, says: /^Unknown subcommand "token mint"\.\nUsage: warden token create/ },
    { argv: ["token", "create"], code: EXIT.usage, says: /^--user and --connection are required\.\nUsage: warden token create/ },
    { argv: ["token", "create", "--user", "dev@example.com"], code: EXIT.usage, says: /^--user and --connection are required\./ },
    { argv: ["token", "create", "--user"], code: EXIT.usage, says: /^--user needs a value\.\n/ },
    { argv: ["token", "create", "--user", "--connection", "demo"], code: EXIT.usage, says: /^--user needs a value \(for a value that starts with a dash, write --user=-…\)\.\n/ },
    { argv: ["token", "create", "--user", "d@example.com", "--connection", "demo", "--conection", "x"], code: EXIT.usage, says: /^Unknown option --conection\.\n/ },
    { argv: ["token", "create", "--user", "d@example.com", "--connection", "demo", "stray"], code: EXIT.usage, says: /^Unexpected argument "stray"\.\n/ },
    { argv: ["token", "create", "--user", "d@example.com", "--connection", "demo", "--ttl", "soon"], code: EXIT.usage, says: /^--ttl takes a duration such as 30m, 8h or 7d \(got "soon"\)\.$/m },
    { argv: ["token", "create", "--user", "d@example.com", "--connection", "demo", "--ttl", "100d"], code: EXIT.usage, says: /^--ttl is at most 90d/ },
    { argv: ["token", "create", "--user", "d@example.com", "--connection", "demo", "--kind", "robot"], code: EXIT.usage, says: /^--kind is one of human, agent, service \(got "robot"\)\./ },
    { argv: ["token", "create", "--user", "d@example.com", "--connection", "demo", "--group", " "], code: EXIT.usage, says: /^--group takes a group name/ },
    { argv: ["token", "list", "--json=yes"], code: EXIT.usage, says: /^--json takes no value\.\n/ },
    { argv: ["token", "revoke"], code: EXIT.usage, says: /^Give the token's id/ },
    { argv: ["token", "revoke", "abc"], code: EXIT.usage, says: /^There is no token with id "abc"/ },
    { argv: ["token", "revoke", "a", "b"], code: EXIT.usage, says: /^Unexpected argument "b"\./ },
    { argv: ["sessions"], code: EXIT.usage, says: /^Usage: warden sessions list/ },
    { argv: ["sessions", "show"], code: EXIT.usage, says: /^Unknown subcommand "sessions show"\./ },
    { argv: ["sessions", "list", "--kind", "robot"], code: EXIT.usage, says: /^--kind is one of/ },
    { argv: ["sessions", "list", "--limit", "0"], code: EXIT.usage, says: /^--limit is a whole number from 1 to 500 \(got "0"\)\./ },
    { argv: ["sessions", "list", "--since", "yesterday"], code: EXIT.usage, says: /^--since takes a date or timestamp/ },
    { argv: ["sessions", "export"], code: EXIT.usage, says: /^Give a session id/ },
    { argv: ["sessions", "export", "x", "--last"], code: EXIT.usage, says: /^Give a session id or --last, not both\./ },
    { argv: ["approvals"], code: EXIT.usage, says: /^Usage: warden approvals list/ },
    { argv: ["approvals", "approve"], code: EXIT.usage, says: /^Unknown subcommand "approvals approve"\./ },
    { argv: ["approvals", "show"], code: EXIT.usage, says: /^Give the request's id/ },
    { argv: ["approvals", "decide", "x", "--approve"], code: EXIT.usage, says: /^Give the request id, one of --approve or --reject, and --by EMAIL\./ },
    { argv: ["approvals", "decide", "x", "--approve", "--reject", "--by", "r@example.com"], code: EXIT.usage, says: /^Give the request id, one of --approve or --reject/ },
    { argv: ["approvals", "decide", "x", "--approve", "--by", "r@example.com", "--grant-minutes", "soon"], code: EXIT.usage, says: /^--grant-minutes takes a whole number of minutes/ },
    { argv: ["approvals", "revoke-grant", "x"], code: EXIT.usage, says: /^Give the grant's id/ },
    { argv: ["verify", "--bogus"], code: EXIT.usage, says: /^Unknown option --bogus\.\nUsage: warden verify/ },
    { argv: ["verify", "now"], code: EXIT.usage, says: /^Unexpected argument "now"\./ },
    { argv: ["export", "--after=-1"], code: EXIT.usage, says: /^--after is a sequence number, 0 or more \(got "-1"\)\.\n/ },
    { argv: ["export", "--limit", "lots"], code: EXIT.usage, says: /^--limit is a whole number above 0/ },
    { argv: ["migrate", "now"], code: EXIT.usage, says: /^Unexpected argument "now"\.\nUsage: warden migrate/ },
  ];
  it.each(cases)("warden $argv: exit $code, a message that ends with a newline", async ({ argv, code, says }) => {
    const r = await warden(...argv);
    expect(r.code).toBe(code);
    expect(r.stdout).toBe("");
    expect(r.stderr).toMatch(says);
    expect(r.stderr).toMatch(/[^\n]\n$/);
    expect(r.stderr).not.toMatch(/\n\s+at /);
  });

  const storeCommands = [
    ["token", "create", "--user", "dev@example.com", "--connection", "demo"],
    ["token", "list"],
    ["token", "revoke", "00000000-0000-0000-0000-000000000000"],
    ["sessions", "list"],
    ["sessions", "export", "--last"],
    ["approvals", "list"],
    ["approvals", "show", "00000000-0000-0000-0000-000000000000"],
    ["approvals", "decide", "00000000-0000-0000-0000-000000000000", "--approve", "--by", "reviewer@example.com"],
    ["approvals", "grants"],
    ["approvals", "revoke-grant", "00000000-0000-0000-0000-000000000000", "--by", "reviewer@example.com"],
    ["verify"],
    ["export"],
    ["migrate"],
  ];

  const storeCases = storeCommands.map((argv) => ({ line: argv.join(" "), argv }));

  it.each(storeCases)("warden $line: with no store yet, a sentence that says to run npm start (exit 1)", async ({ argv }) => {
    const r = await warden(...argv);
    expect(r.code).toBe(EXIT.failed);
    expect(r.stderr).toBe(`DATABASE_URL is not set and there is no embedded store in ${emptyDataDir} yet: run \`npm start\` once (it creates one and keeps it there), or set DATABASE_URL and WARDEN_SECRET_KEY to use your own store.\n`);
  });

  it.each(storeCases)("warden $line: with the embedded store not running, a sentence that says to start it (exit 1)", async ({ argv }) => {
    vi.stubEnv("WARDEN_DATA_DIR", downDataDir);
    const r = await warden(...argv);
    expect(r.code).toBe(EXIT.failed);
    expect(r.stderr).toBe(
      `Nothing answers at the embedded store in ${downDataDir} (localhost:${closedPort}): start it with \`npm start\` (in another terminal) and try again, or set DATABASE_URL to use another store.\n`,
    );
  });

  it("a bad environment is named in a sentence, without 'Warden cannot start' (exit 1)", async () => {
    vi.stubEnv("DATABASE_URL", "mysql://db.example.com/warden");
    const r = await warden("token", "list");
    expect(r.code).toBe(EXIT.failed);
    expect(r.stderr).toBe('DATABASE_URL must start with postgres:// or postgresql:// (got "mysql://db.example.com/warden").\n');
  });

  it("an unexpected error says so, with its stack, on one trailing newline", async () => {
    const broken = { name: "boom", usage: "boom", summary: "fails", help: () => "Usage: warden boom", run: () => Promise.reject(new Error("kaput")) };
    let stderr = "";
    const code = await runCli(["boom"], [broken], { stdout: () => {}, stderr: (t) => (stderr += t) });
    expect(code).toBe(EXIT.failed);
    expect(stderr).toMatch(/^warden boom: unexpected error \(please report it\): Error: kaput\n\s+at /);
    expect(stderr).toMatch(/[^\n]\n$/);
  });
});

describe("asLines", () => {
  it("ends every message with exactly one newline", () => {
    expect(asLines("done.")).toBe("done.\n");
    expect(asLines("done.\n")).toBe("done.\n");
    expect(asLines("")).toBe("\n");
  });
});
