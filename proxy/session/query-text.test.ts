import { beforeAll, describe, expect, it } from "vitest";
import { loadClassifier } from "@/lib/policy/classify-statement";
import { classifyClientSql, decodeQueryText } from "./query-text";

describe("query text", () => {
  beforeAll(() => loadClassifier());

  it("a text the classifier fails on (too deep for its walkers) counts as not parsed, flagged for the fail-closed rule", () => {
    const deep = `select ${Array.from({ length: 5_000 }, () => "1").join(" + ")}`;
    const c = classifyClientSql(deep);
    expect(c).toMatchObject({ isParsed: false, error: expect.stringMatching(/^Warden's classifier failed on this text/), classifierFailure: expect.any(String) });
    expect(c.statements).toEqual([expect.objectContaining({ sql: deep, kind: "unknown", flags: ["unparsed"] })]);
  });

  it("other texts are classified as the classifier says", () => {
    expect(classifyClientSql("select 1")).toMatchObject({ isParsed: true, statements: [{ kind: "read" }] });
    expect(classifyClientSql("selec 1")).toMatchObject({ isParsed: false, statements: [{ flags: ["unparsed"] }] });
    expect(classifyClientSql("")).toEqual({ isParsed: true, statements: [] });
  });

  it("a Query's text: zero bytes inside are a protocol violation", () => {
    const frame = Buffer.from("Q\0\0\0\x0cselect\0 1\0", "latin1");
    frame.writeInt32BE(frame.length - 1, 1);
    expect(() => decodeQueryText(frame)).toThrow(/zero byte/);
  });
});
