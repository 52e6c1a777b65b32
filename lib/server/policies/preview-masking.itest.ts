import { createHmac, randomBytes } from "node:crypto";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { deriveMaskingKey } from "@/lib/crypto/masking-key";
import { createDb, type Db } from "@/lib/db/create-db";
import { DEFAULT_MASKING_LINEAGE, type MaskingPolicy } from "@/lib/policy/policy-document";
import type { MaskingPreviewDto } from "@/lib/shared/contracts/policies";
import { createTestDatabase, createTestStore } from "@/tests/test-database";
import { createConnection } from "../connections/create-connection";
import { previewMasking } from "./preview-masking";

const CUSTOMERS = [
  { name: "Jane Doe", email: "jane.doe@example.com", address: "221B Baker Street, London", card: "4111 1111 1111 1111", loyalty: "LOY-7731-ALPHA", notes: "paid with 5500 0000 0000 0004 yesterday" },
  { name: "Ravi Patel", email: "ravi.patel@example.org", address: "12 Rue de Rivoli, Paris", card: "4012 8888 8888 1881", loyalty: "LOY-9902-BRAVO", notes: "no payment yet" },
  { name: "Ana Lima", email: "ana.lima@example.net", address: "Av. Paulista 1000, São Paulo", card: "3782 822463 10005", loyalty: "LOY-1204-CHARLIE", notes: "card 4242424242424242 on file" },
];
/** What must never reach the browser under the draft below. */
const SECRETS = [
  ...CUSTOMERS.flatMap((c) => [c.email, c.address, c.card, c.loyalty, c.card.replaceAll(" ", ""), c.email.split("@")[0]!]),
  "5500 0000 0000 0004",
  "4242424242424242",
  "event-secret-payload",
];

const draft: MaskingPolicy = {
  lineage: DEFAULT_MASKING_LINEAGE,
  semanticTypes: [{ id: "loyalty_id", label: "Loyalty id", method: { algorithm: "hash" } }],
  columnRules: [
    { column: "public.customers.address", semanticType: "address" },
    { column: "public.customers.card_number", semanticType: "card_number" },
    { column: "public.customers.loyalty_id", semanticType: "loyalty_id" },
    { column: "public.events.payload", semanticType: "secret" },
  ],
  namePatterns: [{ pattern: "*email*", semanticType: "email" }],
  detectors: [
    { detector: "card_number", isEnabled: true, semanticType: "card_number" },
    { detector: "email", isEnabled: false, semanticType: "email" },
  ],
  // The preview shows what a session without an exemption sees: this must change nothing.
  exemptions: [{ group: "admin", expiresAt: null, reason: "admins see everything" }],
};

describe("masking preview (real PostgreSQL)", () => {
  const key = randomBytes(32);
  const role = `preview_${randomBytes(3).toString("hex")}`;
  const rolePassword = `pw-${randomBytes(6).toString("hex")}`;
  let db: Db;
  let connectionId: string;

  beforeAll(async () => {
    db = createDb(await createTestStore());
    const target = new URL(await createTestDatabase("target"));
    const admin = new pg.Client({ connectionString: target.toString() });
    await admin.connect();
    try {
      await admin.query(`create role ${role} login password '${rolePassword}'`);
      await admin.query(`
        create table public.customers (id serial primary key, name text not null, contact_email text, address text, card_number text,
                                       loyalty_id text, notes text, profile jsonb, visits int, created_at timestamptz default now());
        create view public.customer_contacts as select id, name, address as where_they_live, contact_email from public.customers;
        create view public.contacts_of_contacts as select where_they_live as place from public.customer_contacts;
        create schema archive;
        create table archive.customers (id int, address text);
        insert into archive.customers values (1, 'Old Street 1, Leeds');
        create table public.events (id int, at date not null, payload text) partition by range (at);
        create table public.events_2024 partition of public.events for values from ('2024-01-01') to ('2025-01-01');
        insert into public.events values (1, '2024-05-01', 'event-secret-payload');
        create schema "my schema";
        create table "my schema"."Odd ""name"" tab" ("Contact Email" text);
        insert into "my schema"."Odd ""name"" tab" values ('odd.person@example.com');
        create table public.locked (secret text);
        insert into public.locked values ('not for you');
        grant usage on schema archive, "my schema" to ${role};
        grant select on public.customers, public.customer_contacts, public.contacts_of_contacts, archive.customers, public.events, public.events_2024, "my schema"."Odd ""name"" tab" to ${role};`);
      for (const c of CUSTOMERS) {
        await admin.query(`insert into public.customers (name, contact_email, address, card_number, loyalty_id, notes, profile, visits) values ($1, $2, $3, $4, $5, $6, $7, 3)`, [
          c.name,
          c.email,
          c.address,
          c.card,
          c.loyalty,
          c.notes,
          JSON.stringify({ card: c.card.replaceAll(" ", ""), tier: "gold" }),
        ]);
      }
    } finally {
      await admin.end();
    }
    const created = await createConnection(db, key, "admin@example.com", {
      name: `preview-${randomBytes(3).toString("hex")}`,
      host: target.hostname,
      port: Number(target.port),
      database: target.pathname.slice(1),
      username: role,
      password: rolePassword,
      sslmode: "disable",
      allowedGroups: ["developer"],
    });
    connectionId = created.id;
  });
  afterAll(() => db.$client.end());

  const preview = (table: string, masking: unknown = draft, limit?: number) => {
    const [schema, name] = table.split("|");
    return previewMasking(db, key, connectionId, { masking, table: { schema: schema!, name: name! }, limit });
  };
  const column = (p: MaskingPreviewDto, name: string) => p.columns.findIndex((c) => c.name === name);
  const cells = (p: MaskingPreviewDto, name: string) => p.rows.map((r) => r[column(p, name)]!);
  const expectNoSecrets = (p: MaskingPreviewDto) => {
    const body = JSON.stringify(p);
    for (const secret of SECRETS) expect(body, secret).not.toContain(secret);
  };

  it("masks every sample value with the draft: column rules, name patterns, detectors; no unmasked value is returned", async () => {
    const p = await preview("public|customers");
    expect(p.table).toEqual({ schema: "public", name: "customers", kind: "table" });
    expect(p.rows).toHaveLength(3);
    expectNoSecrets(p);

    expect(cells(p, "name").map((c) => c.value).sort()).toEqual(CUSTOMERS.map((c) => c.name).sort());
    expect(cells(p, "name").every((c) => c.masked === null)).toBe(true);
    expect(cells(p, "address").map((c) => c.value)).toEqual(["[address]", "[address]", "[address]"]);
    expect(cells(p, "address")[0]!.masked).toEqual({ matchedBy: "column_rule", semanticType: "address", rule: "public.customers.address" });
    expect(cells(p, "contact_email").map((c) => c.value).sort()).toEqual(["a*******@example.net", "j*******@example.com", "r*********@example.org"]);
    expect(cells(p, "contact_email")[0]!.masked).toEqual({ matchedBy: "name_pattern", semanticType: "email", rule: "*email*" });
    expect(cells(p, "card_number").map((c) => c.value).sort()).toEqual(["**** **** **** 1111", "**** **** **** 1881", "**** ****** *0005"]);

    // Detectors look inside free text and JSON (which stays JSON), only where they find something.
    const notes = new Map(p.rows.map((r) => [r[column(p, "name")]!.value, r[column(p, "notes")]!]));
    expect(notes.get("Jane Doe")).toEqual({ value: "paid with **** **** **** 0004 yesterday", masked: { matchedBy: "detector", semanticTypes: ["card_number"], detectors: ["card_number"] } });
    expect(notes.get("Ravi Patel")).toEqual({ value: "no payment yet", masked: null });
    for (const profile of cells(p, "profile")) {
      expect(profile.masked).toMatchObject({ matchedBy: "detector" });
      expect(JSON.parse(profile.value!)).toEqual({ card: expect.stringMatching(/^\*{11,12}\d{4}$/), tier: "gold" });
    }
    expect(p.columns.find((c) => c.name === "notes")).toMatchObject({ type: "text", rule: null, isSearched: true, sources: ["public.customers.notes"] });
    expect(p.columns.find((c) => c.name === "visits")).toMatchObject({ type: "integer", isSearched: false });
    expect(p.columns.find((c) => c.name === "created_at")).toMatchObject({ type: "timestamp with time zone", isSearched: false });
  });

  it("hashes with the gateway's key, so a previewed hash is the one clients see", async () => {
    const p = await preview("public|customers");
    const hashKey = deriveMaskingKey(key);
    const expected = CUSTOMERS.map((c) => `h:${createHmac("sha256", hashKey).update(c.loyalty).digest("hex").slice(0, 16)}`).sort();
    expect(cells(p, "loyalty_id").map((c) => c.value).sort()).toEqual(expected);
  });

  it("warns next to a column whose semantic type does not fit its sample or its type, without quoting a value", async () => {
    const fitting = await preview("public|customers");
    expect(fitting.columns.filter((c) => c.fitWarning !== null).map((c) => c.name)).toEqual([]);

    const wrong = await preview("public|customers", {
      ...draft,
      columnRules: [
        { column: "public.customers.address", semanticType: "email" },
        { column: "public.customers.visits", semanticType: "person_name" },
      ],
    });
    const warningOf = (name: string) => wrong.columns.find((c) => c.name === name)!.fitWarning;
    expect(warningOf("address")).toBe("None of the 3 sample values looks like an email address.");
    expect(warningOf("visits")).toBe("This is an integer column; a person name is text.");
    // Columns the draft leaves to patterns or detectors are judged only when a rule names a type for them.
    expect(warningOf("contact_email")).toBeNull();
    expect(warningOf("notes")).toBeNull();
  });

  it("follows a view's columns to the table columns they show, through views over views", async () => {
    const p = await preview("public|customer_contacts");
    expectNoSecrets(p);
    expect(p.table.kind).toBe("view");
    expect(p.columns.find((c) => c.name === "where_they_live")).toMatchObject({
      rule: { matchedBy: "column_rule", rule: "public.customers.address" },
      sources: ["public.customer_contacts.where_they_live", "public.customers.address"],
    });
    expect(cells(p, "where_they_live").every((c) => c.value === "[address]")).toBe(true);

    const nested = await preview("public|contacts_of_contacts");
    expect(nested.columns[0]).toMatchObject({ name: "place", rule: { rule: "public.customers.address" } });
    expect(nested.rows.map((r) => r[0]!.value)).toEqual(["[address]", "[address]", "[address]"]);
  });

  it("matches the real column identity: a rule on public.customers.address leaves archive.customers.address alone", async () => {
    const p = await preview("archive|customers");
    expect(cells(p, "address")).toEqual([{ value: "Old Street 1, Leeds", masked: null }]);
  });

  it("applies a rule written on a partitioned table to its partitions", async () => {
    const p = await preview("public|events_2024");
    expect(p.columns.find((c) => c.name === "payload")).toMatchObject({ sources: ["public.events_2024.payload", "public.events.payload"], rule: { rule: "public.events.payload" } });
    expect(cells(p, "payload")).toEqual([{ value: "[redacted]", masked: { matchedBy: "column_rule", semanticType: "secret", rule: "public.events.payload" } }]);
    expectNoSecrets(p);
  });

  it("quotes identifiers: odd names work, and names are never SQL", async () => {
    const p = await preview(`my schema|Odd "name" tab`);
    expect(p.rows).toEqual([[{ value: "o*********@example.com", masked: { matchedBy: "name_pattern", semanticType: "email", rule: "*email*" } }]]);
    await expect(preview(`public|customers; drop table public.customers; --`)).rejects.toMatchObject({ status: 404 });
    await expect(preview(`public|no_such_table`)).rejects.toMatchObject({ status: 404 });
  });

  it("caps the sample, and masks with the draft alone (the saved policy has none of these rules)", async () => {
    const one = await preview("public|customers", draft, 1);
    expect(one.rows).toHaveLength(1);
    const bare = await preview("public|customers", { ...draft, columnRules: [], namePatterns: [], detectors: [] });
    expect(bare.rows.map((r) => r[column(bare, "address")]!.value).sort()).toEqual(CUSTOMERS.map((c) => c.address).sort());
  });

  it("refuses a draft with problems, with messages keyed by JSON path, before reading anything", async () => {
    const bad = { ...draft, columnRules: [{ column: "customers.address", semanticType: "no_such_type" }] };
    await expect(preview("public|customers", bad)).rejects.toMatchObject({
      status: 400,
      fieldErrors: { "masking.columnRules.0.column": "Write it as schema.table.column.", "masking.columnRules.0.semanticType": 'Unknown semantic type "no_such_type".' },
    });
  });

  it("passes on a permission error without any data, and answers 404 for an unknown connection", async () => {
    await expect(preview("public|locked")).rejects.toMatchObject({ status: 422, message: expect.stringContaining("permission denied") });
    await expect(previewMasking(db, key, "00000000-0000-4000-8000-000000000000", { masking: draft, table: { schema: "public", name: "customers" } })).rejects.toMatchObject({ status: 404 });
  });
});
