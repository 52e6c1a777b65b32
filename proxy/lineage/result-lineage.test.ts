import { describe, expect, it } from "vitest";
import type { LineageSource, StatementLineage } from "@/lib/policy/lineage/lineage-types";
import { expandColumns, resultColumnLineage } from "./result-lineage";

const src = (column: string, table = "customers"): LineageSource => ({ schema: "public", table, column });
const statement = (columns: StatementLineage["columns"], undetermined: string | null = null): StatementLineage => ({ columns, copies: [], predicates: [], undetermined });

describe("resultColumnLineage", () => {
  it("takes the traced columns in order and adds RowDescription's sources", () => {
    const lineage = statement([
      { name: "id", lineage: { kind: "direct", sources: [src("id")] } },
      { name: "r", lineage: { kind: "derived", sources: [src("email")] } },
      { name: "n", lineage: { kind: "derived", sources: [], exemptBy: "count", exempted: [src("email")] } },
    ]);
    expect(resultColumnLineage(lineage, [[src("id"), src("id", "customers_2024")], [], []])).toEqual([
      { kind: "direct", sources: [src("id"), src("id", "customers_2024")] },
      { kind: "derived", sources: [src("email")] },
      { kind: "derived", sources: [], exemptBy: "count", exempted: [src("email")] },
    ]);
  });

  it("trusts RowDescription over an undetermined trace, and keeps a derived trace derived", () => {
    const lineage = statement([
      { name: "cc", lineage: { kind: "undetermined", reason: "unknown column cc", sources: [] } },
      { name: "x", lineage: { kind: "derived", sources: [src("notes")] } },
    ]);
    expect(resultColumnLineage(lineage, [[src("card_number")], [src("email")]])).toEqual([
      { kind: "direct", sources: [src("card_number")] },
      { kind: "derived", sources: [src("notes"), src("email")] },
    ]);
  });

  it("fails closed when the counts differ or the statement was not traced: undetermined but where RowDescription names a column", () => {
    const two = statement([
      { name: "a", lineage: { kind: "derived", sources: [] } },
      { name: "b", lineage: { kind: "derived", sources: [] } },
    ]);
    expect(resultColumnLineage(two, [[], [], [src("email")]])).toEqual([
      { kind: "undetermined", reason: "Warden traced 2 result columns, the server sent 3", sources: [] },
      { kind: "undetermined", reason: "Warden traced 2 result columns, the server sent 3", sources: [] },
      { kind: "direct", sources: [src("email")] },
    ]);
    expect(resultColumnLineage(statement(null, "DO runs procedural code"), [[]])).toEqual([{ kind: "undetermined", reason: "DO runs procedural code", sources: [] }]);
    expect(resultColumnLineage(statement(null), [[]])[0]).toMatchObject({ kind: "undetermined", reason: "Warden traced no result columns for this statement" });
  });
});

describe("expandColumns", () => {
  const rest = { name: "*", lineage: { kind: "derived" as const, sources: [src("email")] }, isRest: true };
  const id = { name: "id", lineage: { kind: "direct" as const, sources: [src("id")] } };
  it("repeats a rest entry to fill the count", () => {
    expect(expandColumns([id, rest, id], 5)?.map((c) => c.name)).toEqual(["id", "*", "*", "*", "id"]);
    expect(expandColumns([id, rest], 1)?.map((c) => c.name)).toEqual(["id"]);
    expect(expandColumns([id, rest, id], 1)).toBeNull();
    expect(expandColumns([id], 2)).toBeNull();
  });
});
