import { randomBytes } from "node:crypto";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createDb, type Db } from "@/lib/db/create-db";
import { seedDemoDatabase } from "@/lib/db/demo/seed-demo-database";
import { demoPolicy } from "@/lib/policy/default-policy";
import type { PolicyPreviewDto, PolicyPreviewInput, PreviewStatementLineageDto } from "@/lib/shared/contracts/policies";
import { createTestDatabase, createTestStore } from "@/tests/test-database";
import { createConnection } from "../connections/create-connection";
import { previewPolicy } from "./preview-policy";
import { savePolicyVersion } from "./save-policy-version";

const agent = { userName: "dev@example.com", actorKind: "agent" as const, agentName: "claude-code", groups: ["developer"], applicationName: null };
const human = { ...agent, actorKind: "human" as const, agentName: null };

/**
 * The policy preview's lineage (issue 13 item 5) on a real target: the demo database seeded as the
 * launcher seeds it, under the demo policy (customers' email, phone, card and national id masked).
 */
describe("policy preview: result columns' lineage and masks (real PostgreSQL, demo target)", () => {
  const key = randomBytes(32);
  let db: Db;
  let connectionId: string;
  let target: URL;

  beforeAll(async () => {
    db = createDb(await createTestStore());
    target = new URL(await createTestDatabase("demo"));
    const owner = new pg.Client({ connectionString: target.toString() });
    await owner.connect();
    try {
      await seedDemoDatabase(owner, { customers: 20, orders: 40 });
      await owner.query("create view public.customer_emails as select id, lower(email) as mail from public.customers");
      await owner.query("create function public.opaque(t text) returns text language sql immutable as $$ select t $$");
      // VOLATILE (the default): it may write, so calling it may copy what it reads.
      await owner.query("create function public.stash(t text) returns text language sql as $$ select t $$");
    } finally {
      await owner.end();
    }
    const created = await createConnection(db, key, "admin@example.com", {
      name: `demo-${randomBytes(3).toString("hex")}`,
      host: target.hostname,
      port: Number(target.port),
      database: target.pathname.slice(1),
      username: decodeURIComponent(target.username),
      password: decodeURIComponent(target.password),
      sslmode: "disable",
      allowedGroups: ["developer"],
    });
    connectionId = created.id;
    await savePolicyVersion(db, "admin@example.com", connectionId, demoPolicy(), "demo policy");
  });
  afterAll(() => db.$client.end());

  const preview = (sql: string, actor: PolicyPreviewInput["actor"] = human) => previewPolicy(db, { connectionId, sql, actor }, { secretKey: key });
  const resolved = (p: PolicyPreviewDto) => {
    expect(p.lineage?.status, JSON.stringify(p.lineage)).toBe("resolved");
    return p.lineage as Extract<NonNullable<PolicyPreviewDto["lineage"]>, { status: "resolved" }>;
  };
  const columnsOf = (s: PreviewStatementLineageDto) => Object.fromEntries((s.columns ?? []).map((c) => [c.name, c]));

  it("traces reverse(email) to customers.email and gives it email's mask for transformed values; a plain column keeps its rule", async () => {
    const p = await preview("select id, email, reverse(email) as rev, count(*) over () as n from customers");
    const lineage = resolved(p);
    const cols = columnsOf(lineage.statements[0]!);
    expect(cols.rev).toMatchObject({ type: "text", lineage: { kind: "derived", sources: ["public.customers.email"] }, mask: { kind: "transformed", semanticTypes: ["email"], method: { algorithm: "full" } } });
    expect(cols.email).toMatchObject({ lineage: { kind: "direct", sources: ["public.customers.email"] }, mask: { kind: "rule", matchedBy: "column_rule", semanticType: "email", method: { algorithm: "partial", keepFirst: 1 } } });
    // No rule on id; the demo policy's detectors look inside any column that can hold a number or text.
    expect(cols.id).toMatchObject({ type: "bigint", lineage: { kind: "direct", sources: ["public.customers.id"] }, mask: { kind: "detectors" } });
    expect(cols.n!.lineage).toMatchObject({ kind: "derived", sources: [] });
    expect(lineage.verdicts).toEqual([]);
    // The decision the rules make is still there, beside lineage.
    expect(p.decision).toEqual({ action: "forward" });
  });

  it("follows a view to the table column and masks an exempt aggregate not at all", async () => {
    const lineage = resolved(await preview("select mail, (select count(email) from customers) as how_many from customer_emails"));
    const cols = columnsOf(lineage.statements[0]!);
    expect(cols.mail).toMatchObject({ lineage: { sources: ["public.customers.email"] }, mask: { kind: "transformed", semanticTypes: ["email"] } });
    expect(cols.how_many).toMatchObject({ lineage: { kind: "derived", sources: [], exemptBy: "count" }, mask: { kind: "none" } });
  });

  it("holds a copy of masked data, for people too, with the reason and the reviewers", async () => {
    const p = await preview("create table copied as select reverse(email) as e from customers");
    const lineage = resolved(p);
    expect(lineage.verdicts).toEqual([
      { statementIndex: 0, action: "hold", reasons: ["copies masked data from customers.email"], concerns: ["copies"], reviewerGroups: ["reviewer"], timeoutSeconds: 900 },
    ]);
    expect(lineage.statements[0]!.copies[0]).toMatchObject({ maskedSources: ["public.customers.email"] });
    expect(lineage.statements[0]!.columns).toBeNull();
  });

  it("says what it cannot trace, and refuses it when the policy says so; the statement is only described, never run", async () => {
    const first = resolved(await preview("select public.opaque(name) as o from customers"));
    expect(columnsOf(first.statements[0]!).o).toMatchObject({ lineage: { kind: "undetermined" }, mask: { kind: "undetermined", action: "mask" } });
    expect(first.verdicts).toEqual([]);
    const stashed = resolved(await preview("select public.stash(name) as o from customers"));
    expect(stashed.verdicts[0]).toMatchObject({ action: "hold", reasons: ["may copy masked data: calls public.stash, a user function that may write"], concerns: ["copies"] });

    const doc = demoPolicy();
    doc.masking.lineage = { ...doc.masking.lineage, undetermined: "refuse", inference: "block" };
    await savePolicyVersion(db, "admin@example.com", connectionId, doc, "refuse undetermined, block inference");
    const refused = resolved(await preview("select public.opaque(name) as o from customers"));
    expect(refused.verdicts[0]).toMatchObject({ action: "block", concerns: ["undetermined"] });
    const inferred = resolved(await preview("select id from customers where email like 'a%'", agent));
    expect(inferred.verdicts[0]).toMatchObject({ action: "block", reasons: ["filters on masked column customers.email (where)"] });
    // Inference applies to agents only by default.
    expect(resolved(await preview("select id from customers where email like 'a%'", human)).verdicts).toEqual([]);

    // Run, it would take 3 seconds (read-only does not stop a sleep); described, it takes a moment.
    const startedAt = Date.now();
    const slept = resolved(await preview("select pg_sleep(3) as s, reverse(email) as gone from customers"));
    expect(Date.now() - startedAt).toBeLessThan(2500);
    expect(columnsOf(slept.statements[0]!).gone).toMatchObject({ type: "text", mask: { kind: "transformed" } });
    await savePolicyVersion(db, "admin@example.com", connectionId, demoPolicy(), "back to the demo policy");
  });

  it("describes what it can when the target cannot describe a statement, and each statement of several", async () => {
    const lineage = resolved(await preview("select 1 as one; select x from no_such_table"));
    expect(lineage.statements).toHaveLength(2);
    expect(columnsOf(lineage.statements[0]!).one).toMatchObject({ type: "integer", mask: { kind: "none" } });
    expect(lineage.statements[1]!.describeError).toMatch(/no_such_table/);
  });

  it("plans with a draft masking section when one is given, and refuses a draft with problems by path", async () => {
    const masking = { ...demoPolicy().masking, semanticTypes: [{ id: "email", label: "Email address", method: { algorithm: "partial", keepFirst: 1 }, transformedMethod: { algorithm: "hash" } }] };
    const p = await previewPolicy(db, { connectionId, sql: "select reverse(email) as rev from customers", actor: human, masking }, { secretKey: key });
    expect(p.isDraftMasking).toBe(true);
    expect(columnsOf(resolved(p).statements[0]!).rev!.mask).toMatchObject({ kind: "transformed", method: { algorithm: "hash" } });
    await expect(
      previewPolicy(db, { connectionId, sql: "select 1", actor: human, masking: { ...masking, lineage: { ...masking.lineage, timeoutSeconds: 1 } } }, { secretKey: key }),
    ).rejects.toMatchObject({ status: 400, fieldErrors: { "masking.lineage.timeoutSeconds": expect.any(String) } });
  });

  it("says the target is unreachable and keeps the rest of the preview", async () => {
    const other = await createConnection(db, key, "admin@example.com", {
      name: `gone-${randomBytes(3).toString("hex")}`,
      host: "127.0.0.1",
      port: 1,
      database: "nowhere",
      username: "nobody",
      password: "x",
      sslmode: "disable",
      allowedGroups: ["developer"],
    });
    const p = await previewPolicy(db, { connectionId: other.id, sql: "select reverse(email) from customers", actor: human }, { secretKey: key });
    expect(p.statements).toHaveLength(1);
    expect(p.decision).toEqual({ action: "forward" });
    expect(p.lineage).toMatchObject({ status: "unavailable", message: expect.stringMatching(/^Cannot reach gone-/) });
  });
});
