import { describe, expect, it } from "vitest";
import type { SchemaDto } from "@/lib/shared/contracts/connections";
import { filterSchema } from "./filter-schema";

const col = (name: string, type: string, position: number) => ({ name, type, nullable: true, position });
const schema: SchemaDto = {
  schemas: [
    {
      name: "public",
      tables: [
        { schema: "public", name: "customers", kind: "table", estimatedRows: 100, columns: [col("id", "bigint", 1), col("email", "text", 2)] },
        { schema: "public", name: "orders", kind: "table", estimatedRows: null, columns: [col("id", "bigint", 1), col("placed_at", "timestamp with time zone", 2)] },
      ],
    },
    { name: "billing", tables: [{ schema: "billing", name: "invoices", kind: "view", estimatedRows: null, columns: [col("customer_email", "text", 1)] }] },
  ],
};

describe("filterSchema", () => {
  it("keeps everything for an empty query", () => {
    const out = filterSchema(schema, "  ");
    expect(out.map((s) => s.tables.length)).toEqual([2, 1]);
    expect(out[0].tables[0].columns).toHaveLength(2);
  });
  it("keeps whole tables whose name matches", () => {
    const out = filterSchema(schema, "ORDERS");
    expect(out).toHaveLength(1);
    expect(out[0].tables[0]).toMatchObject({ name: "orders", isColumnMatch: false });
    expect(out[0].tables[0].columns).toHaveLength(2);
  });
  it("matches schema-qualified names", () => {
    expect(filterSchema(schema, "billing.inv")[0].tables[0].name).toBe("invoices");
  });
  it("narrows tables to the columns that match by name or type", () => {
    const out = filterSchema(schema, "email");
    expect(out.flatMap((s) => s.tables.map((t) => [t.name, t.isColumnMatch, t.columns.map((c) => c.name)]))).toEqual([
      ["customers", true, ["email"]],
      ["invoices", true, ["customer_email"]],
    ]);
    expect(filterSchema(schema, "time zone")[0].tables[0].columns.map((c) => c.name)).toEqual(["placed_at"]);
  });
  it("returns nothing when nothing matches", () => {
    expect(filterSchema(schema, "nope")).toEqual([]);
  });
});
