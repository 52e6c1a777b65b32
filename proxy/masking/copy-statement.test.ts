import { beforeAll, describe, expect, it } from "vitest";
import { loadClassifier } from "@/lib/policy/classify-statement";
import { parseCopyStatement } from "./copy-statement";

describe("reading COPY statements", () => {
  beforeAll(async () => {
    await loadClassifier();
  });

  it("reads a table, its column list and the format options", () => {
    expect(parseCopyStatement("COPY public.customers (email, id) TO STDOUT WITH CSV HEADER DELIMITER ';' NULL 'x'")).toEqual({
      source: { kind: "relation", schema: "public", name: "customers", columns: ["email", "id"] },
      format: { format: "csv", delimiter: ";", nullString: "x", quote: '"', escape: '"', header: true, encoding: null },
    });
    expect(parseCopyStatement("copy customers to stdout")?.format).toEqual({ format: "text", delimiter: "\t", nullString: "\\N", quote: '"', escape: '"', header: false, encoding: null });
    expect(parseCopyStatement("copy customers to stdout (format binary)")?.format.format).toBe("binary");
    expect(parseCopyStatement("copy customers to stdout (format csv, header false, quote '''', escape '\\')")?.format).toMatchObject({ header: false, quote: "'", escape: "\\" });
  });

  it("takes a query's own text, parentheses in strings and identifiers included", () => {
    expect(parseCopyStatement(`COPY  ( select ')', "a(" from t where x in (1, 2) ) TO STDOUT with (format csv)`)?.source).toEqual({
      kind: "query",
      sql: `select ')', "a(" from t where x in (1, 2)`,
    });
  });

  it("is null for anything else", () => {
    expect(parseCopyStatement("copy customers from stdin")).toBeNull();
    expect(parseCopyStatement("select 1")).toBeNull();
    expect(parseCopyStatement("copy (")).toBeNull();
  });
});
