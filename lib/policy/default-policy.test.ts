import { describe, expect, it } from "vitest";
import { defaultPolicy, demoPolicy } from "./default-policy";
import { policyDocumentSchema } from "./policy-document";

describe("default policies", () => {
  it("are valid documents", () => {
    expect(policyDocumentSchema.safeParse(defaultPolicy()).success).toBe(true);
    expect(policyDocumentSchema.safeParse(demoPolicy()).success).toBe(true);
  });

  it("block what nobody may run and hold agents' writes", () => {
    const p = defaultPolicy();
    expect(p.guardrails.flatMap((g) => g.match.flags)).toEqual(
      expect.arrayContaining(["drop_database", "alter_system", "copy_program", "dangerous_function"]),
    );
    const agents = p.approvals.find((a) => a.match.actorKinds?.includes("agent"));
    expect(agents?.match.kinds).toEqual(expect.arrayContaining(["write", "ddl"]));
    const humans = p.approvals.find((a) => a.match.actorKinds?.includes("human"));
    expect(humans?.match.flags).toEqual(["write_without_where", "drop", "truncate"]);
  });

  it("masks the demo customers' personal columns", () => {
    expect(demoPolicy().masking.columnRules.map((r) => r.column)).toEqual([
      "public.customers.email",
      "public.customers.phone",
      "public.customers.card_number",
      "public.customers.national_id",
    ]);
    expect(demoPolicy().masking.detectors.every((d) => d.isEnabled)).toBe(true);
  });
});
