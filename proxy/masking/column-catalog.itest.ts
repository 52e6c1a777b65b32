import { randomBytes } from "node:crypto";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestDatabase } from "@/tests/test-database";
import { adminQuery } from "../testing/server-settings";
import { CatalogClient } from "./catalog-client";
import { ColumnCatalog } from "./column-catalog";

/**
 * The gateway's catalog connection binds names from a client's statement as parameters. A role
 * whose default is standard_conforming_strings=off reads a backslash in a string literal as an
 * escape: a hand-quoted literal that doubles quotes but ignores backslashes (the old
 * `quoteLiteral`) then lets a relation name end the literal and run SQL of its own.
 */
describe("column catalog: names from statements are parameters", () => {
  const role = `cat_${randomBytes(3).toString("hex")}`;
  const password = `pw-${randomBytes(6).toString("hex")}`;
  // Closes the literal under backslash escapes, then takes an advisory lock, then comments the rest out.
  const hostileName = "a\\'),pg_catalog.pg_advisory_lock(4242)--";
  let url: URL;
  let catalog: ColumnCatalog;

  beforeAll(async () => {
    url = new URL(await createTestDatabase("catalog"));
    const db = decodeURIComponent(url.pathname.slice(1));
    await adminQuery(`create role ${role} login password '${password}'`);
    await adminQuery(`alter role ${role} set standard_conforming_strings = off`);
    await adminQuery(`alter database ${pg.escapeIdentifier(db)} owner to ${role}`);
    const owner = new pg.Client({ connectionString: url.toString() });
    await owner.connect();
    await owner.query(`create table ${pg.escapeIdentifier(hostileName)} (id int, secret text)`);
    await owner.end();
    const target = { host: url.hostname, port: Number(url.port), sslmode: "disable" as const, database: db, username: role, password };
    catalog = new ColumnCatalog(() => CatalogClient.open(target, { timeoutMs: 10_000 }), { maxAgeMs: 60_000, idleMs: 60_000 });
  });
  afterAll(() => catalog?.close());

  it("finds a relation whose name holds a backslash and a quote, and runs nothing from it", async () => {
    const r = await catalog.relationByName(null, hostileName);
    expect(r).toMatchObject({ schema: "public", name: hostileName });
    expect([...r!.columns.values()].map((c) => c.name)).toEqual(["id", "secret"]);
    const { rows } = await adminQuery("select count(*)::int as n from pg_locks where locktype = 'advisory' and objid = 4242");
    expect(rows).toEqual([{ n: 0 }]);
  });

  it("binds schema-qualified names the same way", async () => {
    expect(await catalog.relationByName("public", hostileName)).toMatchObject({ name: hostileName });
    expect(await catalog.relationByName("public", "no such table")).toBeNull();
  });
});
