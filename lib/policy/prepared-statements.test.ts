import { beforeAll, describe, expect, it } from "vitest";
import { classifySql, loadClassifier } from "./classify-statement";
import { PreparedStatements } from "./prepared-statements";

beforeAll(() => loadClassifier());

const one = (sql: string) => classifySql(sql).statements[0];

describe("PreparedStatements", () => {
  it("judges EXECUTE by what was prepared", () => {
    const p = new PreparedStatements();
    p.resolve(one("prepare wipe as delete from orders"));
    const e = p.resolve(one("execute wipe"));
    expect(e).toMatchObject({ sql: "execute wipe", kind: "write", flags: ["write_without_where", "sql_execute"], relations: [{ name: "orders", access: "write" }] });
    expect(e.fingerprint).toBe(one("delete from orders").fingerprint);
  });

  it("follows re-preparing and DEALLOCATE, per name", () => {
    const p = new PreparedStatements();
    p.resolve(one("prepare a as select 1"));
    p.resolve(one("prepare b as delete from orders"));
    expect(p.resolve(one("execute a")).kind).toBe("read");
    p.resolve(one("deallocate a"));
    expect(p.resolve(one("execute a")).flags).toEqual(["sql_execute", "unparsed"]);
    expect(p.resolve(one("execute b")).flags).toEqual(["write_without_where", "sql_execute"]);
    p.resolve(one("discard all"));
    expect(p.size).toBe(0);
    expect(p.resolve(one("execute b")).kind).toBe("unknown");
  });

  it("cannot judge an EXECUTE of a name it never saw prepared: unknown, left to the fail-closed rule", () => {
    const e = new PreparedStatements().resolve(one("execute mystery(1)"));
    expect(e).toMatchObject({ kind: "unknown", flags: ["sql_execute", "unparsed"], executes: "mystery" });
  });

  it("prefers a statement prepared with the extended protocol (Parse) under the same name", () => {
    const p = new PreparedStatements();
    p.resolve(one("prepare x as select 1"));
    const e = p.resolve(one("execute x"), (name) => (name === "x" ? one("drop table orders") : null));
    expect(e).toMatchObject({ kind: "ddl", flags: ["drop", "sql_execute"] });
  });

  it("keeps flags raised by EXECUTE's own parameters", () => {
    const p = new PreparedStatements();
    p.resolve(one("prepare q(text) as select $1"));
    expect(p.resolve(one("execute q(pg_read_file('/etc/passwd'))")).flags).toEqual(["dangerous_function", "sql_execute"]);
  });

  it("leaves other statements as they are", () => {
    const s = one("select 1");
    expect(new PreparedStatements().resolve(s)).toBe(s);
  });
});
