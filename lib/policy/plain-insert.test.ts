import { loadModule, parseSync } from "libpg-query";
import { beforeAll, describe, expect, it } from "vitest";
import { plainInsertTarget } from "./plain-insert";

const target = (sql: string) => plainInsertTarget((parseSync(sql) as { stmts: { stmt: Record<string, unknown> }[] }).stmts[0].stmt);

describe("plainInsertTarget", () => {
  beforeAll(() => loadModule());

  it("names the table of an INSERT of constants, parameters and DEFAULT", () => {
    expect(target("insert into t values (1, 'a', null, true, 1.5, -2, array[1, 2], default)")).toEqual({ schema: null, name: "t" });
    expect(target('insert into s."T" (a, b) values ($1, $2), ($3, $4) on conflict do nothing returning a, *')).toEqual({ schema: "s", name: "T" });
    expect(target("insert into t default values")).toEqual({ schema: null, name: "t" });
  });

  it("refuses anything that could run code or change other rows", () => {
    for (const sql of [
      "insert into t values (f())",
      "insert into t values ($1::text)",
      "insert into t values ((select 1))",
      "insert into t select * from u",
      "insert into t values (1) on conflict (id) do update set v = 2",
      "with d as (delete from u returning id) insert into t select id from d",
      "with x as (select 1) insert into t values (1)",
      "insert into t values (1) returning f(id)",
      "insert into t values (1) returning (select count(*) from u)",
      "insert into t values (1 + 1)",
      "insert into t values (array[f()])",
      "insert into t values (1) union select 2",
      "update t set v = 1",
      "delete from t",
    ]) {
      expect(target(sql), sql).toBeNull();
    }
  });
});
