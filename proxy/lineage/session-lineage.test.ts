import { describe, expect, it } from "vitest";
import type { StatementLineage } from "@/lib/policy/lineage/lineage-types";
import { SessionLineage } from "./session-lineage";

const email = { schema: "public", table: "customers", column: "email" };
const base: StatementLineage = { columns: null, copies: [], predicates: [], undetermined: null };
const cols = [{ name: "e", lineage: { kind: "derived" as const, sources: [email] } }];

describe("SessionLineage", () => {
  it("gives a FETCH its cursor's columns until CLOSE; an unknown cursor is undetermined", () => {
    const s = new SessionLineage();
    s.apply({ ...base, columns: cols, declaresCursor: "c" });
    expect(s.apply({ ...base, fetchesCursor: "c" }).columns).toEqual(cols);
    s.closeCursor("c");
    expect(s.apply({ ...base, fetchesCursor: "c" })).toMatchObject({ columns: null, undetermined: "cursor c was not declared by a statement Warden analysed" });
    s.apply({ ...base, columns: cols, declaresCursor: "d" });
    s.closeCursor(null);
    expect(s.apply({ ...base, fetchesCursor: "d" }).columns).toBeNull();
  });

  it("remembers temporary tables made from queries, with their columns' lineage, until DISCARD", () => {
    const s = new SessionLineage();
    expect(s.hasTemporaries).toBe(false);
    const before = s.resultsFor(1);
    s.apply({ ...base, createsTemporary: { schema: null, name: "t", columns: cols } });
    expect(s.temporaryRelation("t")).toMatchObject({ schema: "pg_temp", name: "t", kind: "r", columns: [{ name: "e", attnum: 1, lineage: cols[0]!.lineage }] });
    // Analyses cached before the table existed are not reused.
    expect(s.resultsFor(1)).not.toBe(before);
    s.discard("temp");
    expect(s.hasTemporaries).toBe(false);
  });
});
