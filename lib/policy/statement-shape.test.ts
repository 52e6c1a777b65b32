import { loadModule } from "libpg-query";
import { beforeAll, describe, expect, it } from "vitest";
import { shapeOfSql } from "./statement-shape";
import { scannedLiterals } from "./testing/literal-variants";

beforeAll(() => loadModule());

const key = (sql: string) => shapeOfSql(sql)?.key ?? null;
const markers = (sql: string) => [...(key(sql) ?? "").matchAll(/\0([ifsbx])/g)].map((m) => m[1]).join("");

describe("shapeOfSql", () => {
  it("gives texts that differ only in literal values one key", () => {
    const a = key("SELECT abalance FROM pgbench_accounts WHERE aid = 12345;");
    expect(a).not.toBeNull();
    expect(key("SELECT abalance FROM pgbench_accounts WHERE aid = 7;")).toBe(a);
    expect(key("select * from t where a = 'x' and b = 1.5 and c = b'01' and d = x'ff'")).toBe(key("select * from t where a = 'it''s' and b = 2e10 and c = B'1' and d = X'0A'"));
    expect(key("select e'a\\nb', $$x$$, $tag$ it's $$ here $tag$")).toBe(key("select 'q', 'r', 's'"));
  });

  it("keeps everything that is not a literal", () => {
    expect(key("select a from t")).not.toBe(key("select b from t"));
    expect(key('select "a b" from t')).not.toBe(key('select "a c" from t'));
    expect(key("select $1 from t")).not.toBe(key("select $2 from t"));
    expect(key("select $1 from t")).not.toBe(key("select 1 from t"));
    expect(key("select a$b from t")).toBe("select a$b from t");
    expect(key("select 1 from t; select 2")).not.toBe(key("select 1 from t select 2"));
  });

  it("marks each literal with its token type", () => {
    expect(markers("select 1, 2147483647, 2147483648, 1.5, .5, 1e3, 0x7fffffff, 0x80000000, 1_000")).toBe("iiffffifi");
    expect(markers("select 'a', e'b', $$c$$, b'1', x'f'")).toBe("sssbx");
    // interval '1' day parses, interval 1 day does not: the two must not share a key.
    expect(key("select interval '1' day")).not.toBe(key("select interval 1 day"));
  });

  it("agrees with PostgreSQL's scanner on where literals are and what type they have", () => {
    const texts = [
      "SELECT abalance FROM pgbench_accounts WHERE aid = 12345;",
      "select 'a''b', e'c\\'d', E'\\\\', $a$ $b$ $a$, 1.5e-3, 00012, 0o17, 0b101, 4294967296, .25, 5., t.c, f(1)::int",
      "select 1 /* 'not a string' /* nested */ still comment */ + 2 -- 'nor this'\n, '--not a comment'",
      "select x from t where y = any('{1,2}') and z ~ '^a.*$' and w = $1 and v = 'é'",
      "insert into t values (1, 'a', null, true, -2, -2.5, +3)",
      "select n'x', n 'y', date '2020-01-01', 'a' || 'b'",
    ];
    const typeLetter: Record<string, string> = { ICONST: "i", FCONST: "f", SCONST: "s", BCONST: "b", XCONST: "x" };
    for (const sql of texts) {
      expect(shapeOfSql(sql), sql).not.toBeNull();
      expect(markers(sql), sql).toBe(
        scannedLiterals(sql)
          .map((t) => typeLetter[t.type])
          .join(""),
      );
    }
  });

  it("treats comments and runs of whitespace as one space", () => {
    expect(key("select  1\n\tfrom /* c */ t -- trailing")).toBe(key("select 1 from t "));
    expect(key("select 1/**/from t")).toBe(key("select 1 from t"));
    expect(key("select '/* in a string */'")).toBe(key("select 'x'"));
  });

  it("tells an E'' string from an identifier e followed by a string", () => {
    expect(key("select e'x'")).not.toBe(key("select e 'x'"));
    expect(key("select n'x'")).not.toBe(key("select n 'x'"));
  });

  it("splits the text at its semicolons", () => {
    const sql = "select 1;  ; /* c */ select 'a;b' ;";
    const shape = shapeOfSql(sql)!;
    const parts: [number, number][] = [];
    for (let i = 0; i < shape.segments.length; i += 2) parts.push([shape.segments[i], shape.segments[i + 1]]);
    expect(parts.map(([s, e]) => (s < 0 ? null : sql.slice(s, e)))).toEqual(["select 1", null, "select 'a;b' ", null]);
  });

  it.each([
    ["a backslash in a plain string (standard_conforming_strings may be off)", "select 'a\\' or 1=1 --'"],
    ["an unterminated string", "select 'abc"],
    ["an unterminated quoted identifier", 'select "abc'],
    ["an unterminated dollar quote", "select $x$ abc $y$"],
    ["an unterminated block comment", "select 1 /* /* */"],
    ["a string continued on the next line", "select 'a'\n'b'"],
    ["a string followed by another", "select 'a' 'b'"],
    ["a Unicode string", "select u&'\\0041'"],
    ["a Unicode identifier", 'select u&"\\0041"'],
    ["a \\u escape", "select e'\\u0041'"],
    ["a NUL escape", "select e'\\0'"],
    ["a non-ASCII byte escape", "select e'\\xc3\\xa9'"],
    ["a number with trailing junk", "select 1abc"],
    ["a parameter with trailing junk", "select $1abc"],
    ["float(n), whose value picks the type", "select '1'::float(24)"],
    ["float (n) with a comment between", "select '1'::float /* c */ (54)"],
    ["a NUL character", "select 'a\0b'"],
    ["a lone dollar sign", "select $ from t"],
  ])("gives up on %s", (_why, sql) => {
    expect(shapeOfSql(sql)).toBeNull();
  });

  it("reads E'' escapes that cannot fail", () => {
    expect(key("select e'it\\'s', E'tab\\there', e'\\x41\\101'")).toBe(key("select 'a', 'b', 'c'"));
  });
});
