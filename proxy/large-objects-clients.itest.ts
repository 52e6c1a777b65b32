import { randomBytes } from "node:crypto";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { savePolicyVersion } from "@/lib/server/policies/save-policy-version";
import { defaultPolicy } from "@/lib/policy/default-policy";
import { eventually, startGatewayFixture, type GatewayFixture } from "./testing/gateway-fixture";
import { runTool } from "./testing/run-tool";
import { statementRecords } from "./testing/session-probes";

/**
 * Issue 9, item 5, with real clients: their large-object APIs use the protocol's FunctionCall, which
 * the gateway judges and records as SQL. psql's \lo_import, \lo_export and \lo_unlink (libpq's
 * client-side lo_import / lo_export: the file travels over the connection), psycopg2's lobject and
 * pgjdbc's LargeObjectManager. A read-only connection still reads large objects and refuses to write them.
 */

const CLIENTS = path.join(import.meta.dirname, "testing", "large-object-clients");
/** Debian's python3-psycopg2 is installed for the system Python only. */
const SYSTEM_PYTHON = "/usr/bin/python3";
const JDBC_JAR = "/usr/share/java/postgresql.jar";

describe("large objects through the gateway with real clients", () => {
  let fx: GatewayFixture;
  let dir: string;
  const psql = (sql: string, app: string) =>
    runTool("psql", ["-X", "-v", "ON_ERROR_STOP=1", "-At", "-c", sql, fx.uri()], { env: { PGAPPNAME: app }, timeoutMs: 30_000 });

  beforeAll(async () => {
    fx = await startGatewayFixture();
    dir = fs.mkdtempSync(path.join(os.tmpdir(), "warden-lo-"));
  });
  afterAll(async () => {
    await fx?.close();
    if (dir) fs.rmSync(dir, { recursive: true, force: true });
  });

  it("psql \\lo_import, \\lo_export and \\lo_unlink move a file through the gateway and back", async () => {
    const source = path.join(dir, "source.bin");
    const copy = path.join(dir, "copy.bin");
    // Several lowrite / loread calls (libpq moves 8 kB at a time), bytes of every value.
    const content = randomBytes(100_000);
    fs.writeFileSync(source, content);
    const imported = await psql(`\\lo_import '${source}' 'from psql'`, "psql-lo-import");
    expect(imported.stderr).toBe("");
    const oid = Number(/^lo_import (\d+)$/m.exec(imported.stdout)?.[1]);
    expect(oid).toBeGreaterThan(0);
    const exported = await psql(`\\lo_export ${oid} '${copy}'`, "psql-lo-export");
    expect(exported.stderr).toBe("");
    expect(fs.readFileSync(copy).equals(content)).toBe(true);
    expect((await psql("\\lo_list", "psql-lo-list")).stdout).toContain(`${oid}|`);
    const unlinked = await psql(`\\lo_unlink ${oid}`, "psql-lo-unlink");
    expect(unlinked.stdout.trim()).toBe(`lo_unlink ${oid}`);

    const calls = await eventually(async () => {
      const rows = await statementRecords(fx, "psql-lo-import");
      return rows.some((r) => r.sql === "SELECT pg_catalog.lo_close($1)" && r.status === "ok") ? rows : null;
    });
    const writes = calls.filter((r) => r.sql === "SELECT pg_catalog.lowrite($1, $2)");
    expect(writes.length).toBeGreaterThan(1);
    expect(writes.every((r) => r.status === "ok" && r.kind === "write")).toBe(true);
    expect(calls.map((r) => r.sql)).toContain("SELECT pg_catalog.lo_open($1, $2)");
    const reads = (await statementRecords(fx, "psql-lo-export")).filter((r) => r.sql === "SELECT pg_catalog.loread($1, $2)");
    expect(reads.length).toBeGreaterThan(1);
    // The recording keeps what it may of each result: capped, with the total counted.
    expect(reads.every((r) => r.status === "ok" && r.resultRowCount === 1)).toBe(true);
  });

  it("psycopg2's lobject writes, reads, seeks, truncates, imports, exports and unlinks", async () => {
    const source = path.join(dir, "py-source.txt");
    const copy = path.join(dir, "py-copy.txt");
    fs.writeFileSync(source, "x".repeat(20_000));
    const r = await runTool(SYSTEM_PYTHON, [path.join(CLIENTS, "lobject_psycopg2.py"), fx.uri(), source, copy], { env: { PGAPPNAME: "psycopg2-lo" }, timeoutMs: 30_000 });
    expect(r.stderr).toBe("");
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout)).toMatchObject({ written: 36, read: "psycopg2 large object through Warden", tell: 9, rest: "large", truncated: "psycopg2", imported_size: 20_000 });
    expect(fs.readFileSync(copy, "utf8")).toBe("x".repeat(20_000));
  });

  it("pgjdbc's LargeObjectManager creates, writes, reads, seeks, truncates and deletes", async () => {
    const url = `jdbc:postgresql://127.0.0.1:${fx.gateway.port}/${fx.connectionName}?sslmode=disable&ApplicationName=pgjdbc-lo`;
    const r = await runTool("java", ["-cp", JDBC_JAR, path.join(CLIENTS, "LargeObjectsJdbc.java"), url, fx.email, fx.token], { timeoutMs: 60_000 });
    expect(r.stderr).toBe("");
    expect(r.code).toBe(0);
    const [oid, read, tell, truncated] = r.stdout.trim().split("|");
    expect(Number(oid)).toBeGreaterThan(0);
    expect([read, tell, truncated]).toEqual(["pgjdbc large object through Warden", "7", "pgjdbc"]);
  });

  it("a read-only connection reads large objects and refuses to create, write or remove them, in SQL and through FunctionCall alike", async () => {
    const source = path.join(dir, "ro-source.txt");
    fs.writeFileSync(source, "kept");
    const imported = await psql(`\\lo_import '${source}'`, "psql-ro-setup");
    const oid = Number(/^lo_import (\d+)$/m.exec(imported.stdout)?.[1]);
    expect(oid).toBeGreaterThan(0);

    await savePolicyVersion(fx.db, "test", fx.connectionId, { ...defaultPolicy(), access: { isReadOnly: true, agentRowCap: null } }, "read-only");
    // The gateway drops its cached policy on the store's notice.
    await eventually(async () => (await psql("select lo_unlink(0)", "psql-ro-wait")).stderr.includes("read-only"));

    const copy = path.join(dir, "ro-copy.txt");
    const exported = await psql(`\\lo_export ${oid} '${copy}'`, "psql-ro-export");
    expect(exported.stderr).toBe("");
    expect(fs.readFileSync(copy, "utf8")).toBe("kept");

    const refusedImport = await psql(`\\lo_import '${source}'`, "psql-ro-import");
    expect(refusedImport.code).not.toBe(0);
    expect(refusedImport.stderr).toContain("This connection is read-only through Warden");
    const refusedUnlink = await psql(`\\lo_unlink ${oid}`, "psql-ro-unlink");
    expect(refusedUnlink.stderr).toContain("This connection is read-only through Warden");
    const refusedSql = await psql(`select lo_unlink(${oid})`, "psql-ro-sql");
    expect(refusedSql.stderr).toContain("This connection is read-only through Warden");
    const stillThere = await psql(`select count(*) from pg_largeobject_metadata where oid = ${oid}`, "psql-ro-check");
    expect(stillThere.stdout.trim()).toBe("1");

    const unlinkCalls = (await statementRecords(fx, "psql-ro-unlink")).filter((r) => r.sql.startsWith("SELECT pg_catalog.lo_unlink"));
    expect(unlinkCalls.map((r) => [r.sql, r.decision, r.errorCode])).toEqual([["SELECT pg_catalog.lo_unlink($1)", "block", "25006"]]);
  });
});
