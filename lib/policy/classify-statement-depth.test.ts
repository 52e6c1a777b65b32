import { beforeAll, describe, expect, it } from "vitest";
import { classifierCounts, classifySql, classifySqlUncached, loadClassifier } from "./classify-statement";

beforeAll(() => loadClassifier());

/** `select 1+1+...+1`: PostgreSQL runs it; its parse tree is `terms` levels deep. */
const sum = (terms: number) => `select ${Array.from({ length: terms }, () => "1").join("+")}`;
const TOO_DEEP = /^Warden's classifier failed on this text: the statement is nested too deeply for Warden's classifier \(Maximum call stack size exceeded\)$/;

describe("classifySql on text too deep for its tree walkers", () => {
  it("answers unparsed, with a clear error, instead of throwing", () => {
    // 5,000 terms overflow the walkers; 50,000 overflow libpg-query's own reading of the tree.
    for (const sql of [sum(5_000), sum(50_000), `select 1; ${sum(5_000)}`]) {
      for (const classify of [classifySql, classifySqlUncached]) {
        const c = classify(sql);
        expect(c.isParsed, `${classify.name} of ${sql.length} chars`).toBe(false);
        if (c.isParsed) continue;
        expect(c.error).toMatch(TOO_DEEP);
        expect(c.classifierFailure).toMatch(/call stack/);
        expect(c.statements).toEqual([{ sql, kind: "unknown", command: "unknown", relations: [], fingerprint: null, flags: ["unparsed"] }]);
      }
    }
  });

  it("never caches the failure (it depends on the caller's stack): each call parses again", () => {
    const sql = sum(5_000); // 10,000 characters: a size the caches hold
    const before = classifierCounts();
    expect(classifySql(sql).isParsed).toBe(false);
    expect(classifySql(sql).isParsed).toBe(false);
    const after = classifierCounts();
    expect(after.parses - before.parses).toBe(2);
    expect(after.textHits).toBe(before.textHits);
    expect(after.shapeHits).toBe(before.shapeHits);
  });

  it("classifies text the walkers can follow as before, deep or not, before and after a failure", () => {
    const shallow = sum(500);
    expect(classifySql(shallow)).toMatchObject({ isParsed: true, statements: [{ kind: "read", command: "SelectStmt", flags: [] }] });
    expect(classifySql(sum(5_000)).isParsed).toBe(false);
    expect(classifySqlUncached(shallow)).toEqual(classifySql(shallow));
    expect(classifySql("delete from t where id = 1")).toMatchObject({ isParsed: true, statements: [{ kind: "write", relations: [{ name: "t", access: "write" }] }] });
    // A syntax error is still the parser's own error, not a classifier failure.
    const bad = classifySql("selec 1");
    expect(bad).toMatchObject({ isParsed: false, statements: [{ flags: ["unparsed"] }] });
    expect(bad).not.toHaveProperty("classifierFailure");
  });
});
