import { beforeAll, describe, expect, it } from "vitest";
import { classifySql, classifySqlUncached, loadClassifier } from "./classify-statement";

beforeAll(() => loadClassifier());

const kindOf = (sql: string) => classifySql(sql).statements[0].kind;

describe("large-object writes", () => {
  it("a SELECT that creates, writes, truncates or removes a large object is a write", () => {
    for (const sql of [
      "select lo_creat(-1)",
      "select lo_create(0)",
      "select lowrite(0, '\\x00')",
      "select pg_catalog.lowrite($1, $2)",
      "select lo_unlink(16400)",
      "select lo_truncate($1, 0)",
      "select pg_catalog.lo_truncate64($1, $2)",
      "select lo_put(16400, 0, 'x')",
      "select lo_from_bytea(0, 'x')",
      "select 1 where exists (select lo_unlink(oid) from pg_largeobject_metadata)",
      'select "LO_UNLINK"(1)',
    ]) {
      expect(kindOf(sql), sql).toBe("write");
      expect(classifySqlUncached(sql).statements[0].kind, sql).toBe("write");
    }
  });

  it("reading a large object stays a read", () => {
    for (const sql of ["select lo_get(16400)", "select pg_catalog.loread($1, $2)", "select lo_open(16400, 262144)", "select lo_lseek64($1, $2, $3)", "select lo_tell(0)", "select lo_close(0)"]) {
      expect(kindOf(sql), sql).toBe("read");
    }
  });

  it("a cached shape keeps the kind (the function's name is part of the shape)", () => {
    expect(kindOf("select lo_unlink(16401)")).toBe("write");
    expect(kindOf("select lo_unlink(16402)")).toBe("write");
    expect(kindOf("select lo_get(16401)")).toBe("read");
  });

  it("server-side lo_import and lo_export stay dangerous functions", () => {
    expect(classifySql("select pg_catalog.lo_import($1)").statements[0].flags).toContain("dangerous_function");
    expect(classifySql("select pg_catalog.lo_export($1, $2)").statements[0].flags).toContain("dangerous_function");
  });
});
