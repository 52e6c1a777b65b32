import { describe, expect, it } from "vitest";
import { LineageCatalogSnapshot } from "@/lib/db/lineage-catalog";
import type { LineageRelation } from "@/lib/policy/lineage/lineage-types";
import { ResolutionCatalog } from "./resolution-catalog";

const relation = (schema: string, name: string): LineageRelation => ({ oid: 1, schema, name, kind: "r", columns: [], viewDefinition: null });
const scratch = relation("pg_temp", "scratch");
const session = { temporaryRelation: (name: string) => (name === "scratch" ? scratch : undefined) };

describe("ResolutionCatalog", () => {
  it("answers the session's own temporary tables, first among an unqualified name's candidates", () => {
    const snapshot = new LineageCatalogSnapshot({ relations: [{ schema: null, name: "scratch", relations: [relation("public", "scratch"), relation("pg_temp_9", "scratch")] }], functions: [] });
    const c = new ResolutionCatalog(snapshot, session);
    expect(c.relations(null, "scratch")).toEqual([scratch, relation("public", "scratch")]);
    expect(c.relations("pg_temp", "scratch")).toEqual([scratch]);
    expect(c.relations("public", "scratch")).toBeUndefined();
    expect(c.sawUnknown).toBe(false);
  });

  it("keeps names found nowhere for this analysis only, and says it saw one", () => {
    const snapshot = new LineageCatalogSnapshot();
    const c = new ResolutionCatalog(snapshot, null);
    expect(c.relations(null, "fresh")).toBeUndefined();
    c.record(
      { relations: [{ schema: null, name: "fresh", relations: [] }, { schema: null, name: "customers", relations: [relation("public", "customers")] }], functions: [{ schema: null, name: "lower", kind: "builtin" }] },
      { relations: [{ schema: null, name: "fresh" }, { schema: null, name: "customers" }], functions: [{ schema: null, name: "lower" }] },
    );
    expect(c.relations(null, "fresh")).toEqual([]);
    expect(c.sawUnknown).toBe(true);
    // The shared snapshot keeps what was found, never the unknown name.
    expect(snapshot.relations(null, "fresh")).toBeUndefined();
    expect(snapshot.relations(null, "customers")).toEqual([relation("public", "customers")]);
    expect(snapshot.functionKind(null, "lower")).toBe("builtin");
  });

  it("forwards operators: a name a schema redefines is opaque, and the analysis sees it (not only PostgreSQL's own names)", () => {
    const snapshot = new LineageCatalogSnapshot();
    const catalog = new ResolutionCatalog(snapshot, null);
    expect(catalog.operatorKind("||")).toBeUndefined();
    catalog.record({ relations: [], functions: [], operators: [{ name: "||", kind: "user" }, { name: "+", kind: "builtin" }] }, { relations: [], functions: [], operators: ["||", "+"] });
    expect(catalog.operatorKind("||")).toBe("user");
    expect(catalog.operatorKind("+")).toBe("builtin");
  });
});
