import { randomUUID } from "node:crypto";
import { and, eq } from "drizzle-orm";
import type pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { approvalRequests, sessions, statements, users } from "@/drizzle/schema";
import { policyDocumentSchema, type PolicyDocument } from "@/lib/policy/policy-document";
import { decideApproval } from "@/lib/server/approvals/decide-approval";
import { addPeople, collectNotices, pendingRequest, REVIEWER, SECOND_REVIEWER } from "./approvals/testing/approval-fixtures";
import { startMaskingFixture, type MaskingFixture } from "./masking/testing/masking-fixture";
import { eventually } from "./testing/gateway-fixture";

/**
 * Every field the policy editor offers (components/policy-editor/*), read by the gateway: one case
 * per field, each setting the field in the connection's policy and watching a real client (node-
 * postgres) get a different answer than the field's other value would give, within the same case.
 * One gateway, one target database; the policy is swapped per case and each case waits until the
 * gateway has the new version in force (masking-fixture.ts).
 *
 * Fields the editor offers that the gateway has no use for, by design: a semantic type's label and an
 * exemption's reason (shown to people in the console; the gateway works by the type's id and the
 * exemption's group and expiry).
 */

/** Everything off: each case turns on only what it tests. */
const base = (): PolicyDocument => policyDocumentSchema.parse({ version: 1 });

const DBA = { email: "dora@example.com", groups: ["dba"] };
const CONTRACTOR = "carl@example.com";

type Tools = {
  fx: MaskingFixture;
  /** dev@example.com, groups [developer], a human. */
  human(applicationName?: string): Promise<pg.Client>;
  /** An agent's token (agent name `field-agent`, or `agentName`). */
  agent(opts?: { agentName?: string | null; applicationName?: string }): Promise<pg.Client>;
  /** carl@example.com, groups [developer, contractors], a human. */
  contractor(): Promise<pg.Client>;
  /** The error a statement fails with (the test fails if it succeeds). */
  refusal(client: pg.Client, sql: string): Promise<{ code?: string; message: string }>;
  /** Runs `sql` in a new session of the human; it is held: the approval request, and the query's outcome to await. */
  held(sql: string, applicationName: string): Promise<{ request: typeof approvalRequests.$inferSelect; outcome: Promise<unknown>; notices: string[]; client: pg.Client }>;
  /** One value of a one-row result. */
  value(client: pg.Client, sql: string): Promise<unknown>;
  /** Count of rows in the target's `items`. */
  items(): Promise<number>;
  /** The one recorded statement of the session with this application name. */
  recordedOne(applicationName: string): Promise<typeof statements.$inferSelect>;
};

type FieldCase = { field: string; policy: (p: PolicyDocument) => void; check: (t: Tools) => Promise<void> };

const guardrail = (match: PolicyDocument["guardrails"][number]["match"], extra: Partial<PolicyDocument["guardrails"][number]> = {}) => ({
  id: `g-${randomUUID().slice(0, 8)}`,
  name: "test guardrail",
  isEnabled: true,
  match,
  message: "blocked by the test guardrail",
  ...extra,
});

const approval = (match: PolicyDocument["approvals"][number]["match"], extra: Partial<PolicyDocument["approvals"][number]> = {}) => ({
  id: `a-${randomUUID().slice(0, 8)}`,
  name: "test approval",
  isEnabled: true,
  match,
  reviewerGroups: ["reviewer"],
  minApprovals: 1,
  timeoutSeconds: 900,
  allowGrants: true,
  ...extra,
});

const blastRadius = (extra: Partial<PolicyDocument["blastRadius"][number]> = {}) => ({
  id: `b-${randomUUID().slice(0, 8)}`,
  name: "test blast radius",
  isEnabled: true,
  match: { actorKinds: ["human" as const] },
  maxRowShare: null,
  minRows: 0,
  maxRows: null,
  reviewerGroups: ["reviewer"],
  minApprovals: 1,
  timeoutSeconds: 900,
  ...extra,
});

const BLOCKED = { code: "42501", message: "blocked by the test guardrail" };
/**
 * What the match-criterion cases run: a read of customers. Each of those guardrails also names the
 * table, since a rule that matched every statement of an actor would refuse their sign-in's
 * settings too (application_name is judged as the SET it stands for).
 */
const CUSTOMER = "select id as v from customers where id = 1";

const CASES: FieldCase[] = [
  // ---- failClosed ---------------------------------------------------------------------------
  {
    field: "failClosed: block",
    policy: (p) => void (p.failClosed = "block"),
    check: async (t) => {
      const c = await t.human();
      // Text PostgreSQL runs and Warden's classifier cannot (too deep): the fail-closed rule decides.
      expect(await t.refusal(c, DEEP_SELECT)).toMatchObject({ code: "42601", message: expect.stringMatching(/^Warden could not classify this statement, so it was not run/) });
      expect(await t.value(c, "select 1 as v")).toBe(1);
    },
  },
  {
    field: "failClosed: hold",
    policy: (p) => void (p.failClosed = "hold"),
    check: async (t) => {
      const { request, outcome } = await t.held(DEEP_SELECT, "fields-fail-hold");
      expect(request.ruleName).toBe("Statements Warden cannot classify");
      await decideApproval(t.fx.db, { requestId: request.id, reviewer: REVIEWER, decision: "approve" });
      expect(await outcome).toMatchObject({ rows: [{ v: 2_500 }] });
    },
  },

  // ---- guardrails -----------------------------------------------------------------------------
  {
    field: "guardrails[].isEnabled",
    policy: (p) => void (p.guardrails = [guardrail({ relations: ["items"] }, { isEnabled: false }), guardrail({ relations: ["customers"] })]),
    check: async (t) => {
      const c = await t.human();
      expect(await t.value(c, "select count(*)::int as v from items")).toBe(0);
      expect(await t.refusal(c, "select * from customers")).toMatchObject(BLOCKED);
    },
  },
  {
    field: "guardrails[].message",
    policy: (p) => void (p.guardrails = [guardrail({ relations: ["customers"] }, { message: "Ask the data team for customer exports." })]),
    check: async (t) => {
      expect(await t.refusal(await t.human(), "select * from customers")).toMatchObject({ code: "42501", message: "Ask the data team for customer exports." });
    },
  },
  {
    field: "guardrails[].name",
    policy: (p) => void (p.guardrails = [guardrail({ relations: ["customers"] }, { name: "No customer reads" })]),
    check: async (t) => {
      await t.refusal(await t.human("fields-guardrail-name"), "select * from customers");
      expect((await t.recordedOne("fields-guardrail-name")).decisionReason).toMatch(/^No customer reads: /);
    },
  },
  {
    field: "guardrails[].match.kinds",
    policy: (p) => void (p.guardrails = [guardrail({ kinds: ["write"] })]),
    check: async (t) => {
      const c = await t.human();
      expect(await t.refusal(c, "insert into items values (1)")).toMatchObject(BLOCKED);
      expect(await t.value(c, "select count(*)::int as v from items")).toBe(0);
    },
  },
  {
    field: "guardrails[].match.flags",
    policy: (p) => void (p.guardrails = [guardrail({ flags: ["write_without_where"] })]),
    check: async (t) => {
      const c = await t.human();
      expect(await t.refusal(c, "delete from items")).toMatchObject(BLOCKED);
      await c.query("delete from items where n = 42");
    },
  },
  {
    field: "guardrails[].match.relations",
    policy: (p) => void (p.guardrails = [guardrail({ relations: ["public.cust*"] })]),
    check: async (t) => {
      const c = await t.human();
      expect(await t.refusal(c, "select * from customers")).toMatchObject(BLOCKED);
      expect(await t.value(c, "select count(*)::int as v from items")).toBe(0);
    },
  },
  {
    field: "guardrails[].match.actorKinds",
    policy: (p) => void (p.guardrails = [guardrail({ actorKinds: ["agent"], relations: ["customers"] })]),
    check: async (t) => {
      expect(await t.refusal(await t.agent(), CUSTOMER)).toMatchObject(BLOCKED);
      expect(await t.value(await t.human(), CUSTOMER)).toBe(1);
    },
  },
  {
    field: "guardrails[].match.agentNames",
    policy: (p) => void (p.guardrails = [guardrail({ agentNames: ["field-*"], relations: ["customers"] })]),
    check: async (t) => {
      expect(await t.refusal(await t.agent(), CUSTOMER)).toMatchObject(BLOCKED);
      expect(await t.value(await t.agent({ agentName: "other-agent" }), CUSTOMER)).toBe(1);
      // An agent's token without a name: its application_name names it.
      expect(await t.refusal(await t.agent({ agentName: null, applicationName: "field-bot" }), CUSTOMER)).toMatchObject(BLOCKED);
    },
  },
  {
    field: "guardrails[].match.groups",
    policy: (p) => void (p.guardrails = [guardrail({ groups: ["contractors"], relations: ["customers"] })]),
    check: async (t) => {
      expect(await t.refusal(await t.contractor(), CUSTOMER)).toMatchObject(BLOCKED);
      expect(await t.value(await t.human(), CUSTOMER)).toBe(1);
    },
  },
  {
    field: "guardrails[].match.applicationNames",
    policy: (p) => void (p.guardrails = [guardrail({ applicationNames: ["report*"], relations: ["customers"] })]),
    check: async (t) => {
      expect(await t.refusal(await t.human("reporting-job"), CUSTOMER)).toMatchObject(BLOCKED);
      expect(await t.value(await t.human("psql"), CUSTOMER)).toBe(1);
    },
  },

  // ---- approval rules --------------------------------------------------------------------------
  {
    field: "approvals[].isEnabled, match, name",
    policy: (p) => void (p.approvals = [approval({ relations: ["customers"] }, { isEnabled: false }), approval({ kinds: ["write"], relations: ["items"] }, { name: "Item writes" })]),
    check: async (t) => {
      const c = await t.human();
      // The disabled rule holds nothing; the enabled one holds writes to items only.
      expect(await t.value(c, "update customers set notes = notes where id = 1 returning id as v")).toBe(1);
      const { request, notices, outcome } = await t.held("insert into items values (7)", "fields-approval-match");
      expect(request.ruleName).toBe("Item writes");
      expect(notices.join("\n")).toMatch(/\(Item writes: /);
      await decideApproval(t.fx.db, { requestId: request.id, reviewer: REVIEWER, decision: "reject", comment: "not now" });
      await expect(outcome).rejects.toMatchObject({ code: "42501" });
      expect(await t.items()).toBe(0);
    },
  },
  {
    field: "approvals[].reviewerGroups",
    policy: (p) => void (p.approvals = [approval({ kinds: ["write"] }, { reviewerGroups: ["dba"] })]),
    check: async (t) => {
      const { request, outcome } = await t.held("insert into items values (1)", "fields-reviewers");
      expect(request.reviewerGroups).toEqual(["dba"]);
      await expect(decideApproval(t.fx.db, { requestId: request.id, reviewer: REVIEWER, decision: "approve" })).rejects.toThrow(/Only members of dba/);
      await decideApproval(t.fx.db, { requestId: request.id, reviewer: DBA, decision: "approve" });
      await outcome;
      expect(await t.items()).toBe(1);
    },
  },
  {
    field: "approvals[].minApprovals",
    policy: (p) => void (p.approvals = [approval({ kinds: ["write"] }, { minApprovals: 2 })]),
    check: async (t) => {
      const { request, outcome } = await t.held("insert into items values (1)", "fields-min-approvals");
      let isSettled = false;
      void outcome.finally(() => (isSettled = true)).catch(() => {});
      await decideApproval(t.fx.db, { requestId: request.id, reviewer: REVIEWER, decision: "approve" });
      await new Promise((r) => setTimeout(r, 300));
      expect(isSettled).toBe(false);
      expect(await t.items()).toBe(0);
      await decideApproval(t.fx.db, { requestId: request.id, reviewer: SECOND_REVIEWER, decision: "approve" });
      await outcome;
      expect(await t.items()).toBe(1);
    },
  },
  {
    field: "approvals[].timeoutSeconds",
    policy: (p) => void (p.approvals = [approval({ kinds: ["write"] }, { timeoutSeconds: 10 })]),
    check: async (t) => {
      const started = Date.now();
      const { request, outcome, notices } = await t.held("insert into items values (1)", "fields-timeout");
      expect(request.expiresAt.getTime() - request.createdAt.getTime()).toBe(10_000);
      expect(notices.join("\n")).toContain("is cancelled after 10 seconds without a decision");
      await expect(outcome).rejects.toMatchObject({ code: "57014", message: expect.stringContaining("within 10 seconds") });
      expect(Date.now() - started).toBeLessThan(20_000);
      expect(await t.items()).toBe(0);
    },
  },
  {
    field: "approvals[].allowGrants",
    policy: (p) => void (p.approvals = [approval({ kinds: ["write"], relations: ["items"] }, { allowGrants: true }), approval({ kinds: ["write"], relations: ["customers"] }, { allowGrants: false })]),
    check: async (t) => {
      // Allowed: a grant of the statement's shape, chosen explicitly, lets the same shape run at once next time.
      const first = await t.held("insert into items values (1)", "fields-grants-1");
      await decideApproval(t.fx.db, { requestId: first.request.id, reviewer: REVIEWER, decision: "approve", grantMinutes: 5, grantScope: "fingerprint" });
      await first.outcome;
      await (await t.human()).query("insert into items values (2)");
      expect(await t.items()).toBe(2);
      // Not allowed: the request says so, and the reviewer cannot grant.
      const second = await t.held("update customers set notes = 'x' where id = 2", "fields-grants-2");
      expect(second.request.allowGrants).toBe(false);
      await expect(decideApproval(t.fx.db, { requestId: second.request.id, reviewer: REVIEWER, decision: "approve", grantMinutes: 5 })).rejects.toThrow(/does not allow grants/);
      await decideApproval(t.fx.db, { requestId: second.request.id, reviewer: REVIEWER, decision: "reject" });
      await expect(second.outcome).rejects.toMatchObject({ code: "42501" });
    },
  },

  // ---- masking ------------------------------------------------------------------------------------
  {
    field: "masking.semanticTypes (algorithm, replacement, keepFirst, keepLast)",
    policy: (p) => {
      p.masking.semanticTypes = [
        { id: "t_full", label: "Full", method: { algorithm: "full", replacement: "[x]" } },
        { id: "t_partial", label: "Partial", method: { algorithm: "partial", replacement: "#", keepFirst: 2, keepLast: 1 } },
        { id: "t_inner", label: "Inner", method: { algorithm: "inner", replacement: "*", keepFirst: 1, keepLast: 1 } },
        { id: "t_outer", label: "Outer", method: { algorithm: "outer", replacement: "-", keepFirst: 2, keepLast: 2 } },
        { id: "t_hash", label: "Hash", method: { algorithm: "hash" } },
        { id: "t_null", label: "Null", method: { algorithm: "null" } },
        // A type with a built-in's id replaces the built-in's method.
        { id: "email", label: "Email", method: { algorithm: "full", replacement: "[email]" } },
      ];
      p.masking.namePatterns = ["full", "partial", "inner", "outer", "hash", "null"].map((k) => ({ pattern: `m_${k}`, semanticType: `t_${k}` }));
      p.masking.columnRules = [{ column: "public.customers.email", semanticType: "email" }];
    },
    check: async (t) => {
      const c = await t.human();
      const v = "abcdefgh";
      const { rows } = await c.query(`select '${v}' as m_full, '${v}' as m_partial, '${v}' as m_inner, '${v}' as m_outer, '${v}' as m_hash, '${v}' as m_null, '${v}' as m_clear`);
      expect(rows[0]).toMatchObject({ m_full: "[x]", m_partial: "ab#####h", m_inner: "a******h", m_outer: "--cdef--", m_null: null, m_clear: v });
      expect(rows[0].m_hash).toMatch(/^h:[0-9a-f]{16}$/);
      expect(await t.value(c, "select email as v from customers where id = 1")).toBe("[email]");
    },
  },
  {
    field: "masking.columnRules",
    policy: (p) => void (p.masking.columnRules = [{ column: "public.customers.phone", semanticType: "secret" }]),
    check: async (t) => {
      const { rows } = await (await t.human()).query("select phone, email from customers where id = 1");
      expect(rows).toEqual([{ phone: "[redacted]", email: "ann@example.com" }]);
    },
  },
  {
    field: "masking.namePatterns",
    policy: (p) => void (p.masking.namePatterns = [{ pattern: "*mail*", semanticType: "secret" }]),
    check: async (t) => {
      const { rows } = await (await t.human()).query("select email, phone from customers where id = 1");
      expect(rows).toEqual([{ email: "[redacted]", phone: "+14155550123" }]);
    },
  },
  {
    field: "masking.detectors (isEnabled, semanticType)",
    policy: (p) =>
      void (p.masking.detectors = [
        { detector: "email", isEnabled: true, semanticType: "address" },
        { detector: "card_number", isEnabled: false, semanticType: "card_number" },
      ]),
    check: async (t) => {
      // Values read from a table (the fixture's probe pattern means lineage is on: the detectors search unruled columns and constants alike).
      const { rows } = await (await t.human()).query("select 'write to ' || email as a, card_number as b from customers where id = 1");
      // The detector masks what it found, as the type it names; the card detector is off.
      expect(rows).toEqual([{ a: "write to [address]", b: "4111 1111 1111 1111" }]);
    },
  },
  {
    field: "masking.exemptions (group, expiresAt)",
    policy: (p) => {
      p.masking.columnRules = [{ column: "public.customers.email", semanticType: "secret" }];
      p.masking.exemptions = [
        { group: "contractors", expiresAt: null, reason: "" },
        { group: "developer", expiresAt: "2020-01-01T00:00:00Z", reason: "expired" },
      ];
    },
    check: async (t) => {
      expect(await t.value(await t.contractor(), "select email as v from customers where id = 1")).toBe("ann@example.com");
      expect(await t.value(await t.human(), "select email as v from customers where id = 1")).toBe("[redacted]");
    },
  },

  // ---- blast-radius limits ------------------------------------------------------------------------
  {
    field: "blastRadius[].isEnabled, maxRowShare, reviewerGroups",
    policy: (p) => void (p.blastRadius = [blastRadius({ isEnabled: false, maxRows: 0 }), blastRadius({ name: "half a table", maxRowShare: 0.5, reviewerGroups: ["dba"] })]),
    check: async (t) => {
      await t.fx.admin.query("insert into items select generate_series(1, 10)");
      const c = await t.human();
      // 4 of 10 rows is under half: it runs (the disabled rule's 0-row limit would have held it).
      await c.query("delete from items where n <= 4");
      expect(await t.items()).toBe(6);
      // 4 of the 6 left is past half: rolled back and held for the rule's reviewers.
      const { request, outcome } = await t.held("delete from items where n > 6", "fields-blast-share");
      expect(request).toMatchObject({ ruleName: "half a table", reviewerGroups: ["dba"] });
      expect(await t.items()).toBe(6);
      await expect(decideApproval(t.fx.db, { requestId: request.id, reviewer: REVIEWER, decision: "reject" })).rejects.toThrow(/Only members of dba/);
      await decideApproval(t.fx.db, { requestId: request.id, reviewer: DBA, decision: "reject" });
      await expect(outcome).rejects.toMatchObject({ code: "42501" });
      expect(await t.items()).toBe(6);
    },
  },
  {
    field: "blastRadius[].minRows",
    policy: (p) => void (p.blastRadius = [blastRadius({ maxRowShare: 0.1, minRows: 3 })]),
    check: async (t) => {
      await t.fx.admin.query("insert into items select generate_series(1, 10)");
      const c = await t.human();
      // 2 of 10 rows (20%, past a 10% share) is not past the 3 rows before the share counts: it runs.
      await c.query("delete from items where n <= 2");
      expect(await t.items()).toBe(8);
      const { request, outcome } = await t.held("delete from items where n <= 6", "fields-blast-min-rows");
      expect(request.blastRadius).toMatchObject({ tables: [expect.objectContaining({ deleted: 4 })] });
      await decideApproval(t.fx.db, { requestId: request.id, reviewer: REVIEWER, decision: "reject" });
      await expect(outcome).rejects.toMatchObject({ code: "42501" });
      expect(await t.items()).toBe(8);
    },
  },
  {
    field: "blastRadius[].maxRows, match, timeoutSeconds",
    policy: (p) => void (p.blastRadius = [blastRadius({ maxRows: 3, timeoutSeconds: 10 })]),
    check: async (t) => {
      await t.fx.admin.query("insert into items select generate_series(1, 10)");
      // The rule matches people: an agent's 5-row delete is not measured.
      await (await t.agent()).query("delete from items where n <= 5");
      expect(await t.items()).toBe(5);
      const c = await t.human();
      await c.query("delete from items where n <= 8");
      expect(await t.items()).toBe(2);
      await t.fx.admin.query("insert into items select generate_series(11, 20)");
      const { request, notices } = await t.held("update items set n = n + 100", "fields-blast-max-rows");
      expect(request.blastRadius).toMatchObject({ tables: [expect.objectContaining({ updated: 12 })] });
      await eventually(async () => notices.find((n) => /10 seconds/.test(n)));
      await decideApproval(t.fx.db, { requestId: request.id, reviewer: REVIEWER, decision: "reject" });
    },
  },

  // ---- access ---------------------------------------------------------------------------------------
  {
    field: "access.isReadOnly",
    policy: (p) => void (p.access.isReadOnly = true),
    check: async (t) => {
      const c = await t.human();
      expect(await t.refusal(c, "insert into items values (1)")).toMatchObject({ code: "25006" });
      expect(await t.value(c, "select count(*)::int as v from items")).toBe(0);
    },
  },
  {
    field: "access.agentRowCap",
    policy: (p) => void (p.access.agentRowCap = 3),
    check: async (t) => {
      const agent = await t.agent();
      const notices = collectNotices(agent);
      const capped = await agent.query("select g from generate_series(1, 10) g");
      expect(capped.rowCount).toBe(3);
      expect(capped.rows).toHaveLength(3);
      expect(notices.messages).toEqual(["Warden: result cut at 3 rows by the connection's agent row cap (10 rows in all)"]);
      expect((await (await t.human()).query("select g from generate_series(1, 10) g")).rowCount).toBe(10);
    },
  },

  // ---- recording ------------------------------------------------------------------------------------
  {
    field: "recording.resultRowCap",
    policy: (p) => void (p.recording.resultRowCap = 3),
    check: async (t) => {
      expect((await (await t.human("fields-row-cap")).query("select g from generate_series(1, 10) g")).rowCount).toBe(10);
      const run = await t.recordedOne("fields-row-cap");
      expect(run).toMatchObject({ rows: [["1"], ["2"], ["3"]], rowsTruncated: true, resultRowCount: 10, commandTag: "SELECT 10" });
    },
  },
  {
    field: "recording.resultRowCap: 0 keeps no rows",
    policy: (p) => void (p.recording.resultRowCap = 0),
    check: async (t) => {
      await (await t.human("fields-row-cap-0")).query("select g from generate_series(1, 4) g");
      expect(await t.recordedOne("fields-row-cap-0")).toMatchObject({ rows: [], rowsTruncated: true, resultRowCount: 4 });
    },
  },
  {
    field: "recording.resultByteCap",
    policy: (p) => void (p.recording.resultByteCap = 10),
    check: async (t) => {
      // Four-byte values: two rows fit in 10 bytes, the third does not.
      await (await t.human("fields-byte-cap")).query("select to_char(g, 'FM0000') as v from generate_series(1, 5) g");
      expect(await t.recordedOne("fields-byte-cap")).toMatchObject({ rows: [["0001"], ["0002"]], rowsTruncated: true, resultRowCount: 5 });
    },
  },
  {
    field: "recording defaults: 100 rows, 256 KiB",
    policy: () => {},
    check: async (t) => {
      // 150 rows: 100 kept. Five rows of 50,000 bytes (250,000 bytes, under 256 KiB): all kept.
      await (await t.human("fields-defaults")).query("select g from generate_series(1, 150) g");
      expect(await t.recordedOne("fields-defaults")).toMatchObject({ rowsTruncated: true, resultRowCount: 150 });
      expect((await t.recordedOne("fields-defaults")).rows).toHaveLength(100);
      await (await t.human("fields-defaults-bytes")).query("select repeat('x', 50000) as v from generate_series(1, 5) g");
      const wide = await t.recordedOne("fields-defaults-bytes");
      expect(wide).toMatchObject({ rowsTruncated: false, resultRowCount: 5 });
      expect(wide.rows).toHaveLength(5);
    },
  },
];

/** A read PostgreSQL runs and Warden's classifier cannot: too deep for its tree walkers. */
const DEEP_SELECT = `select ${Array.from({ length: 2_500 }, () => "1").join(" + ")} as v`;

describe("policy fields the gateway reads: one case per field of the policy editor", () => {
  let fx: MaskingFixture;
  let agentToken: string;
  let otherAgentToken: string;
  let unnamedAgentToken: string;
  let contractorToken: string;
  const open: pg.Client[] = [];

  beforeAll(async () => {
    fx = await startMaskingFixture({}, base());
    await addPeople(fx.db);
    await fx.db.insert(users).values([DBA, { email: CONTRACTOR, groups: ["developer", "contractors"] }]);
    agentToken = await fx.mintToken({ actorKind: "agent", agentName: "field-agent" });
    otherAgentToken = await fx.mintToken({ actorKind: "agent", agentName: "other-agent" });
    unnamedAgentToken = await fx.mintToken({ actorKind: "agent" });
    contractorToken = await fx.mintToken({ userName: CONTRACTOR });
    await fx.admin.query(`create table items (n int); alter table items owner to ${fx.targetRole}`);
  });
  afterAll(async () => {
    for (const c of open) await c.end().catch(() => {});
    await fx?.closeAll();
  });

  const connect = async (o: Partial<pg.ClientConfig>) => {
    const c = await fx.connect(o);
    c.on("error", () => {});
    open.push(c);
    return c;
  };

  const tools = (): Tools => ({
    fx,
    human: (applicationName) => connect({ application_name: applicationName ?? "fields" }),
    agent: (o = {}) => {
      const password = o.agentName === undefined ? agentToken : o.agentName === null ? unnamedAgentToken : otherAgentToken;
      return connect({ password, application_name: o.applicationName ?? "fields-agent" });
    },
    contractor: () => connect({ user: CONTRACTOR, password: contractorToken, application_name: "fields-contractor" }),
    refusal: async (client, sql) => {
      const err = await client.query(sql).then(
        () => null,
        (e: { code?: string; message: string }) => e,
      );
      if (!err) throw new Error(`expected "${sql.slice(0, 60)}" to be refused, and it ran`);
      return err;
    },
    held: async (sql, applicationName) => {
      const client = await connect({ application_name: applicationName });
      const notices = collectNotices(client);
      const outcome = client.query(sql);
      outcome.catch(() => {});
      const request = await pendingRequest(fx.db, sql);
      return { request, outcome, notices: notices.messages, client };
    },
    value: async (client, sql) => (await client.query(sql)).rows[0]?.v,
    items: async () => (await fx.admin.query("select count(*)::int as n from items")).rows[0].n,
    recordedOne: async (applicationName) =>
      eventually(async () => {
        const rows = await fx.db
          .select({ s: statements })
          .from(statements)
          .innerJoin(sessions, eq(sessions.id, statements.sessionId))
          .where(and(eq(sessions.applicationName, applicationName), eq(statements.seq, 1)));
        return rows.length === 1 && rows[0].s.status !== "running" ? rows[0].s : undefined;
      }),
  });

  it.each(CASES.map((c) => [c.field, c] as const))("%s", async (_field, c) => {
    const document = base();
    c.policy(document);
    await fx.setPolicy(policyDocumentSchema.parse(document));
    await fx.admin.query("delete from items");
    try {
      await c.check(tools());
    } finally {
      for (const client of open.splice(0)) await client.end().catch(() => {});
    }
  });
});
