import { describe, expect, it } from "vitest";
import type { CopyFlow, LineageSource, StatementLineage } from "../lineage/lineage-types";
import type { PolicyActor } from "../match-rule";
import { policyDocumentSchema, type PolicyDocument } from "../policy-document";
import { compileMaskingPolicy } from "./column-plan";
import { judgeLineage, touchesMaskedData } from "./judge-lineage";
import type { MaskingContext } from "./masking-context";

const ctx: MaskingContext = { hmac: () => "0".repeat(64) };
const src = (table: string, column: string, schema = "public"): LineageSource => ({ schema, table, column });
const email = src("customers", "email");
const card = src("customers", "card_number");
const note = src("customers", "note");
const agent: PolicyActor = { userName: "bot", actorKind: "agent", agentName: "bot", groups: ["developer"], applicationName: null };
const human: PolicyActor = { ...agent, actorKind: "human", agentName: null };

function policyWith(lineage: Record<string, unknown> = {}, extra: Record<string, unknown> = {}): PolicyDocument {
  return policyDocumentSchema.parse({
    version: 1,
    masking: {
      columnRules: [
        { column: "public.customers.email", semanticType: "email" },
        { column: "public.customers.card_number", semanticType: "card_number" },
        { column: "archive.old_customers.email", semanticType: "email" },
      ],
      lineage,
      ...extra,
    },
  });
}
const judge = (p: PolicyDocument, lineage: Partial<StatementLineage>, actor = agent) =>
  judgeLineage(p, { columns: null, copies: [], predicates: [], undetermined: null, ...lineage }, actor, compileMaskingPolicy(p.masking, ctx));
const into = (table: string, column: string, sources: LineageSource[], schema: string | null = "public"): CopyFlow => ({
  target: { kind: "column", schema, table, column, isTemporary: false },
  lineage: { kind: "direct", sources },
});

describe("judgeLineage: copies", () => {
  it("holds a write that copies masked columns, for any actor, naming them", () => {
    const verdict = judge(policyWith(), { copies: [into("leads", "contact", [email]), into("leads", "pan", [card]), into("leads", "n", [note])] }, human);
    expect(verdict).toEqual({ action: "hold", reasons: ["copies masked data from customers.email, customers.card_number"], concerns: ["copies"] });
  });

  it("blocks or allows as the policy says", () => {
    const copies = [{ target: { kind: "client" as const }, lineage: { kind: "derived" as const, sources: [email] } }];
    expect(judge(policyWith({ copies: "block" }), { copies })).toMatchObject({ action: "block", reasons: ["copies masked data from customers.email"] });
    expect(judge(policyWith({ copies: "allow" }), { copies })).toEqual({ action: "forward" });
  });

  it("is no copy into a column masked as the same type, nor into the statement's own temporary table, nor through count()", () => {
    const p = policyWith();
    expect(judge(p, { copies: [into("old_customers", "email", [email], "archive")] })).toEqual({ action: "forward" });
    expect(judge(p, { copies: [into("old_customers", "email", [email], null)] })).toEqual({ action: "forward" });
    // The same column masked as another type is still a copy.
    expect(judge(p, { copies: [into("old_customers", "email", [card], "archive")] })).toMatchObject({ action: "hold", reasons: ["copies masked data from customers.card_number"] });
    const temp: CopyFlow = { target: { kind: "new_relation", schema: null, name: "t", relationKind: "table", isTemporary: true }, lineage: { kind: "direct", sources: [email] } };
    expect(judge(p, { copies: [temp] })).toEqual({ action: "forward" });
    const view: CopyFlow = { target: { kind: "new_relation", schema: null, name: "v", relationKind: "view", isTemporary: false }, lineage: { kind: "direct", sources: [email] } };
    expect(judge(p, { copies: [view] })).toMatchObject({ action: "hold" });
    const counted: CopyFlow = { ...view, lineage: { kind: "derived", sources: [], exemptBy: "count", exempted: [email] } };
    expect(judge(p, { copies: [counted] })).toEqual({ action: "forward" });
  });

  it("takes code whose writes it cannot see for a possible copy, held, blocked or allowed as copies are", () => {
    const untracedCode = ["DO runs procedural code that cannot be traced"];
    expect(judge(policyWith(), { untracedCode }, human)).toEqual({ action: "hold", reasons: ["may copy masked data: DO runs procedural code that cannot be traced"], concerns: ["copies"] });
    expect(judge(policyWith({ copies: "block" }), { untracedCode })).toMatchObject({ action: "block" });
    expect(judge(policyWith({ copies: "allow" }), { untracedCode })).toEqual({ action: "forward" });
    // Nothing is masked by column on the connection: nothing to copy.
    const p = policyDocumentSchema.parse({ version: 1 });
    expect(judgeLineage(p, { columns: null, copies: [], predicates: [], undetermined: null, untracedCode }, human, compileMaskingPolicy(p.masking, ctx))).toEqual({ action: "forward" });
  });
});

describe("judgeLineage: inference", () => {
  const predicates = [
    { clause: "where" as const, sources: [email, note] },
    { clause: "order by" as const, sources: [card] },
  ];

  it("is off by default", () => {
    expect(judge(policyWith(), { predicates })).toEqual({ action: "forward" });
  });

  it("holds or blocks an agent's predicates on masked columns, not a human's", () => {
    const held = judge(policyWith({ inference: "hold" }), { predicates });
    expect(held).toEqual({ action: "hold", reasons: ["filters on masked column customers.email (where)", "filters on masked column customers.card_number (order by)"], concerns: ["inference"] });
    expect(judge(policyWith({ inference: "block" }), { predicates })).toMatchObject({ action: "block" });
    expect(judge(policyWith({ inference: "block" }), { predicates }, human)).toEqual({ action: "forward" });
    expect(judge(policyWith({ inference: "block", inferenceActorKinds: ["human"] }), { predicates }, human)).toMatchObject({ action: "block" });
    expect(judge(policyWith({ inference: "block" }), { predicates: [{ clause: "where", sources: [note] }] })).toEqual({ action: "forward" });
  });

  it("asks nothing of a session under a masking exemption", () => {
    const p = policyWith({ inference: "block" }, { exemptions: [{ group: "developer", expiresAt: null }] });
    expect(judge(p, { predicates })).toEqual({ action: "forward" });
  });
});

describe("judgeLineage: undetermined", () => {
  const columns = [
    { name: "id", lineage: { kind: "direct" as const, sources: [src("customers", "id")] } },
    { name: "f", lineage: { kind: "undetermined" as const, reason: "f is not a built-in function", sources: [] } },
  ];

  it("refuses a result column Warden cannot trace when the policy says refuse", () => {
    expect(judge(policyWith({ undetermined: "refuse" }), { columns })).toEqual({
      action: "block",
      reasons: ["Warden cannot tell which columns feed result column 2 (f is not a built-in function)"],
      concerns: ["undetermined"],
    });
    expect(judge(policyWith({ undetermined: "refuse" }), { undetermined: "the statement could not be analysed" })).toMatchObject({ action: "block" });
    expect(judge(policyWith(), { columns })).toEqual({ action: "forward" });
  });

  it("is not asked on a connection without column rules or name patterns", () => {
    const p = policyDocumentSchema.parse({ version: 1, masking: { lineage: { undetermined: "refuse", inference: "block" } } });
    expect(judge(p, { columns, predicates: [{ clause: "where", sources: [email] }] })).toEqual({ action: "forward" });
  });

  it("a block wins over a hold and lists every reason", () => {
    const verdict = judge(policyWith({ undetermined: "refuse" }), { columns, copies: [into("leads", "contact", [email])] });
    expect(verdict).toEqual({
      action: "block",
      reasons: ["Warden cannot tell which columns feed result column 2 (f is not a built-in function)", "copies masked data from customers.email"],
      concerns: ["undetermined", "copies"],
    });
  });
});

describe("touchesMaskedData", () => {
  const lineage = (l: Partial<StatementLineage>): StatementLineage => ({ columns: null, copies: [], predicates: [], undetermined: null, ...l });
  it("is true when the statement evaluates a masked column or cannot be traced, false otherwise or without rules", () => {
    const compiled = compileMaskingPolicy(policyWith().masking, ctx);
    expect(touchesMaskedData(compiled, lineage({ touched: [note, email] }))).toBe(true);
    expect(touchesMaskedData(compiled, lineage({ touched: [note] }))).toBe(false);
    expect(touchesMaskedData(compiled, lineage({}))).toBe(false);
    expect(touchesMaskedData(compiled, lineage({ undetermined: "DO runs procedural code that cannot be traced" }))).toBe(true);
    expect(touchesMaskedData(compiled, lineage({ untracedCode: ["calls f, a user function that may write"] }))).toBe(true);
    expect(touchesMaskedData(compiled, lineage({ columns: [{ name: "x", lineage: { kind: "undetermined", reason: "opaque", sources: [] } }] }))).toBe(true);
    const none = policyDocumentSchema.parse({ version: 1 });
    expect(touchesMaskedData(compileMaskingPolicy(none.masking, ctx), lineage({ touched: [email], undetermined: "x" }))).toBe(false);
  });
});
