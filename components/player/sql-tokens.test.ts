import { describe, expect, it } from "vitest";
import { tokenizeSql, type SqlTokenType } from "./sql-tokens";

const significant = (sql: string) => tokenizeSql(sql).filter((t) => t.type !== "whitespace").map((t) => [t.type, t.text]);
const typesOf = (sql: string, type: SqlTokenType) => tokenizeSql(sql).filter((t) => t.type === type).map((t) => t.text);

describe("tokenizeSql", () => {
  it("splits a query into keywords, identifiers, numbers, operators and punctuation", () => {
    expect(significant("SELECT name, email FROM customers WHERE id >= 42 LIMIT 5;")).toEqual([
      ["keyword", "SELECT"],
      ["identifier", "name"],
      ["punctuation", ","],
      ["identifier", "email"],
      ["keyword", "FROM"],
      ["identifier", "customers"],
      ["keyword", "WHERE"],
      ["identifier", "id"],
      ["operator", ">="],
      ["number", "42"],
      ["keyword", "LIMIT"],
      ["number", "5"],
      ["punctuation", ";"],
    ]);
  });

  it("keeps strings whole, with doubled quotes and E'' backslash escapes", () => {
    expect(typesOf("select 'it''s', E'a\\'b', 'x' || 'y'", "string")).toEqual(["'it''s'", "E'a\\'b'", "'x'", "'y'"]);
  });

  it("reads dollar-quoted bodies, tagged or not, as one string even when they hold quotes and semicolons", () => {
    const body = "$fn$ begin raise notice 'hi; there'; end $fn$";
    expect(typesOf(`do ${body} language plpgsql`, "string")).toEqual([body]);
    expect(typesOf("select $$a 'b' c$$", "string")).toEqual(["$$a 'b' c$$"]);
  });

  it("tells bind parameters from dollar quotes", () => {
    expect(significant("select $1::int + $12")).toEqual([
      ["keyword", "select"],
      ["parameter", "$1"],
      ["operator", "::"],
      ["identifier", "int"],
      ["operator", "+"],
      ["parameter", "$12"],
    ]);
  });

  it("reads line and nested block comments, and stops an operator where a comment starts", () => {
    expect(typesOf("select 1 -- trailing\n/* outer /* inner */ still outer */ + 2", "comment")).toEqual(["-- trailing", "/* outer /* inner */ still outer */"]);
    expect(significant("a+-- note")).toEqual([
      ["identifier", "a"],
      ["operator", "+"],
      ["comment", "-- note"],
    ]);
  });

  it("reads numbers in their PostgreSQL forms", () => {
    expect(typesOf("select 3.14, .5, 1e-9, 0x1F, 1_000_000", "number")).toEqual(["3.14", ".5", "1e-9", "0x1F", "1_000_000"]);
  });

  it("keeps quoted identifiers apart from keywords", () => {
    expect(significant('select "Order" from "my ""odd"" table"')).toEqual([
      ["keyword", "select"],
      ["quoted-identifier", '"Order"'],
      ["keyword", "from"],
      ["quoted-identifier", '"my ""odd"" table"'],
    ]);
  });

  it("is lossless, even for unterminated strings, comments and odd characters", () => {
    for (const sql of ["select 'unterminated", "/* open comment", "select $tag$ never closed", 'select "open', "select 1 € {} [] \\ $x", ""]) {
      expect(tokenizeSql(sql).map((t) => t.text).join("")).toBe(sql);
    }
  });
});
