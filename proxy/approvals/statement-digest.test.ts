import { describe, expect, it } from "vitest";
import type { RecordedParam } from "@/drizzle/schema";
import { statementDigestOf } from "./statement-digest";

const text = (value: string | null, typeOid = 0): RecordedParam => ({ format: "text", value, typeOid });
const digest = (sql: string, params: RecordedParam[] | null = null) => statementDigestOf({ sql, params });

describe("statementDigestOf", () => {
  it("is the same for the same text and parameters", () => {
    expect(digest("DELETE FROM t WHERE id = $1", [text("5")])).toBe(digest("DELETE FROM t WHERE id = $1", [text("5")]));
    expect(digest("delete from t")).toMatch(/^[0-9a-f]{64}$/);
  });

  it("differs for another parameter value, format, type or NULL", () => {
    const base = digest("DELETE FROM t WHERE id = $1", [text("5")]);
    expect(digest("DELETE FROM t WHERE id = $1", [text("6")])).not.toBe(base);
    expect(digest("DELETE FROM t WHERE id = $1", [text("5", 23)])).not.toBe(base);
    expect(digest("DELETE FROM t WHERE id = $1", [{ format: "binary", value: "5", typeOid: 0 }])).not.toBe(base);
    expect(digest("DELETE FROM t WHERE id = $1", [text(null)])).not.toBe(digest("DELETE FROM t WHERE id = $1", [text("")]));
    expect(digest("DELETE FROM t WHERE id = $1", [text("5"), text("6")])).not.toBe(base);
  });

  it("differs for any change of the text: literal, casing, whitespace, an appended statement", () => {
    const base = digest("delete from t where id = 5");
    for (const other of ["delete from t where id = 6", "DELETE from t where id = 5", "delete from t where id =  5", "delete from t where id = 5 ", "delete from t where id = 5; drop table t"]) {
      expect(digest(other)).not.toBe(base);
    }
  });

  it("cannot be confused by a parameter that looks like the separator between fields", () => {
    expect(digest("select $1, $2", [text("a\",\"b"), text("c")])).not.toBe(digest("select $1, $2", [text("a"), text("b\",\"c")]));
  });

  it("is null when the statement is not held exactly: a cut parameter, or bytes that did not decode", () => {
    expect(statementDigestOf({ sql: "select $1", params: [{ format: "text", value: "x", typeOid: 0, isTruncated: true }] })).toBeNull();
    expect(digest("select $1", [text("caf\uFFFD")])).toBeNull();
  });

  it("knows a statement too large to keep by its full text's size and hash", () => {
    const a = statementDigestOf({ sql: "insert …", sqlDigest: { bytes: 10, sha256: "a".repeat(64) }, params: null });
    const b = statementDigestOf({ sql: "insert …", sqlDigest: { bytes: 10, sha256: "b".repeat(64) }, params: null });
    expect(a).not.toBe(b);
  });
});
