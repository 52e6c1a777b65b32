import { sql } from "drizzle-orm";
import { bigint, boolean, jsonb, pgTable, text, timestamp, uuid } from "drizzle-orm/pg-core";
import { describe, expect, it } from "vitest";
import { insertFromRecordset, recordsetSource, updateFromRecordset } from "./jsonb-recordset";

const things = pgTable("things", {
  no: bigint("no", { mode: "number" }).primaryKey().generatedAlwaysAsIdentity(),
  id: uuid("id").notNull(),
  displayName: text("display_name").notNull(),
  tags: text("tags").array().notNull().default(sql`'{}'::text[]`),
  isOn: boolean("is_on").notNull().default(false),
  kind: text("kind").notNull().default("it's"),
  meta: jsonb("meta").notNull().default({ a: 1 }),
  seenAt: timestamp("seen_at", { withTimezone: true }).notNull().defaultNow(),
  note: text("note"),
});

describe("recordset SQL from the Drizzle schema", () => {
  it("types each key of a row object by its column", () => {
    expect(recordsetSource(things, "$1", { keys: ["id", "displayName", "tags"] })).toBe(`jsonb_to_recordset($1::jsonb) as v("id" uuid, "displayName" text, "tags" text[])`);
  });

  it("inserts every column but generated ones, under their SQL names, with the schema's defaults", () => {
    const text = insertFromRecordset(things, "$2");
    expect(text).toMatch(/^insert into "things" \("id", "display_name", "tags", "is_on", "kind", "meta", "seen_at", "note"\) select /);
    expect(text).toContain(`v."displayName"`);
    expect(text).toContain(`coalesce(v."tags", ('{}'::text[]))`);
    expect(text).toContain(`coalesce(v."isOn", 'false'::boolean)`);
    expect(text).toContain(`coalesce(v."kind", 'it''s'::text)`);
    expect(text).toContain(`coalesce(v."meta", '{"a":1}'::jsonb)`);
    expect(text).toContain(`coalesce(v."seenAt", (now()))`);
    expect(text).not.toContain(`"no"`);
    expect(text).toMatch(/from jsonb_to_recordset\(\$2::jsonb\) as v\("id" uuid, .*"note" text\)$/);
  });

  it("updates the named columns of the row each object matches, keeping missing ones when asked", () => {
    expect(updateFromRecordset(things, "$3", { match: "id", set: ["displayName", "note"] })).toBe(
      `update "things" as t set "display_name" = v."displayName", "note" = v."note" from jsonb_to_recordset($3::jsonb) as v("id" uuid, "displayName" text, "note" text) where t."id" = v."id"`,
    );
    expect(updateFromRecordset(things, "$1", { match: "id", set: ["note"], keepWhenNull: true })).toContain(`"note" = coalesce(v."note", t."note")`);
  });

  it("refuses a key the table does not have", () => {
    expect(() => recordsetSource(things, "$1", { keys: ["nope" as "id"] })).toThrow(/things has no column nope/);
  });
});
