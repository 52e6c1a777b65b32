import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestDatabase } from "@/tests/test-database";
import { createLogger } from "../log";
import { CatalogClient, type CatalogQueries } from "../masking/catalog-client";
import { createFunctionResolver, type FunctionResolver } from "./function-oids";

/** FunctionCall's OIDs resolved against a real PostgreSQL's pg_proc, cached per connection. */

const silent = createLogger("error", () => {});

describe("function OIDs on the target", () => {
  let url: string;
  let admin: pg.Client;
  let opened = 0;
  let queries = 0;
  let resolver: FunctionResolver;
  const oidOf = async (signature: string) => Number((await admin.query(`select '${signature}'::regprocedure::oid as oid`)).rows[0].oid);

  const openCatalog = async (): Promise<CatalogQueries> => {
    opened++;
    const u = new URL(url);
    const client = await CatalogClient.open(
      { host: u.hostname, port: Number(u.port), sslmode: "disable", database: decodeURIComponent(u.pathname.slice(1)), username: decodeURIComponent(u.username), password: decodeURIComponent(u.password) },
      { timeoutMs: 10_000 },
    );
    return Object.assign(Object.create(client) as CatalogQueries, {
      query: (sql: string, params?: readonly (string | null)[]) => {
        queries++;
        return client.query(sql, params);
      },
    });
  };

  beforeAll(async () => {
    url = await createTestDatabase("fnoids");
    admin = new pg.Client({ connectionString: url });
    await admin.connect();
    await admin.query(`create schema "Odd Schema"; create function "Odd Schema"."lo_open"(oid, int) returns int language sql as 'select 1'`);
    resolver = createFunctionResolver({ openCatalog, log: silent });
  });
  afterAll(async () => {
    resolver?.close();
    await admin?.end();
  });

  it("reads a function's schema, name, argument and result types and kind from pg_proc", async () => {
    const lowrite = await oidOf("lowrite(int4,bytea)");
    expect(await resolver.describe("c1", lowrite)).toEqual({ oid: lowrite, schema: "pg_catalog", name: "lowrite", argTypes: [23, 17], returnType: 23, kind: "f", returnsSet: false });
    const series = await oidOf("generate_series(int4,int4)");
    expect(await resolver.describe("c1", series)).toMatchObject({ name: "generate_series", returnsSet: true });
    const count = await oidOf('count("any")');
    expect(await resolver.describe("c1", count)).toMatchObject({ name: "count", kind: "a" });
    const odd = await oidOf('"Odd Schema".lo_open(oid,int4)');
    expect(await resolver.describe("c1", odd)).toMatchObject({ schema: "Odd Schema", name: "lo_open" });
    expect(await resolver.describe("c1", 999_999_999)).toBeNull();
    expect(await resolver.describe("c1", 4_294_967_295)).toBeNull();
  });

  it("answers from its cache at once, per connection, until told to forget", async () => {
    const loread = await oidOf("loread(int4,int4)");
    const first = resolver.describe("c2", loread);
    expect(first).toBeInstanceOf(Promise);
    await first;
    const before = queries;
    const cached = resolver.describe("c2", loread);
    expect(cached).not.toBeInstanceOf(Promise);
    expect(cached).toMatchObject({ name: "loread" });
    expect(queries).toBe(before);
    // Another connection has its own catalog and cache.
    expect(resolver.describe("c3", loread)).toBeInstanceOf(Promise);
    resolver.forget("c2");
    expect(resolver.describe("c2", loread)).toBeInstanceOf(Promise);
    // An OID with no function is asked again next time (it may exist by then).
    await resolver.describe("c2", 999_999_998);
    const asked = queries;
    await resolver.describe("c2", 999_999_998);
    expect(queries).toBe(asked + 1);
  });

  it("a lookup that fails rejects, and the next one opens a new catalog connection", async () => {
    let fail = true;
    const flaky = createFunctionResolver({
      openCatalog: async () => {
        if (fail) throw new Error("target unreachable");
        return openCatalog();
      },
      log: silent,
    });
    try {
      await expect(resolver.describe("c4", 1)).resolves.toBeNull();
      await expect(flaky.describe("c1", await oidOf("lo_close(int4)"))).rejects.toThrow("target unreachable");
      fail = false;
      await expect(flaky.describe("c1", await oidOf("lo_close(int4)"))).resolves.toMatchObject({ name: "lo_close" });
    } finally {
      flaky.close();
    }
    expect(opened).toBeGreaterThan(0);
  });
});
