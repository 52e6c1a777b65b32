import { describe, expect, it } from "vitest";
import { DEFAULT_MASKING_LINEAGE, type MaskingPolicy } from "@/lib/policy/policy-document";
import {
  detectorSetting,
  findChangedColumn,
  findColumnRule,
  isExemptionExpired,
  resetSemanticType,
  semanticTypeUses,
  setColumnRule,
  suggestTypeId,
  updateDetector,
  updateLineageOptions,
  updateSemanticType,
} from "./masking-draft";

const base = (): MaskingPolicy => ({
  lineage: DEFAULT_MASKING_LINEAGE,
  semanticTypes: [],
  columnRules: [
    { column: "public.customers.email", semanticType: "email" },
    { column: "public.customers.phone", semanticType: "phone" },
  ],
  namePatterns: [{ pattern: "*email*", semanticType: "email" }],
  detectors: [{ detector: "card_number", isEnabled: true, semanticType: "card_number" }],
  exemptions: [],
});

describe("column rules", () => {
  it("adds a rule, replaces one in place (any case), and removes it", () => {
    const added = setColumnRule(base(), "public.customers.address", "address");
    expect(added.columnRules.at(-1)).toEqual({ column: "public.customers.address", semanticType: "address" });
    const replaced = setColumnRule(base(), "public.Customers.EMAIL", "secret");
    expect(replaced.columnRules).toEqual([
      { column: "public.Customers.EMAIL", semanticType: "secret" },
      { column: "public.customers.phone", semanticType: "phone" },
    ]);
    expect(setColumnRule(base(), "public.customers.email", null).columnRules).toEqual([{ column: "public.customers.phone", semanticType: "phone" }]);
  });

  it("finds a column's rule exactly first, then ignoring case, and leaves the input alone", () => {
    const masking = base();
    expect(findColumnRule(masking, "PUBLIC.customers.phone")?.semanticType).toBe("phone");
    expect(findColumnRule(masking, "public.orders.phone")).toBeUndefined();
    setColumnRule(masking, "public.customers.email", null);
    expect(masking.columnRules).toHaveLength(2);
  });
});

describe("semantic types", () => {
  it("declares a built-in only while it differs from the built-in", () => {
    const changed = updateSemanticType(base(), "card_number", { method: { algorithm: "hash" } });
    expect(changed.semanticTypes).toEqual([{ id: "card_number", label: "Card number", method: { algorithm: "hash" } }]);
    const back = updateSemanticType(changed, "card_number", { method: { algorithm: "partial", keepLast: 4 } });
    expect(back.semanticTypes).toEqual([]);
    expect(resetSemanticType(changed, "card_number").semanticTypes).toEqual([]);
  });

  it("updates a custom type and counts where a type is used", () => {
    const masking = { ...base(), semanticTypes: [{ id: "loyalty", label: "Loyalty", method: { algorithm: "full" as const } }] };
    expect(updateSemanticType(masking, "loyalty", { label: "Loyalty id" }).semanticTypes[0]).toEqual({ id: "loyalty", label: "Loyalty id", method: { algorithm: "full" } });
    expect(updateSemanticType(masking, "nope", { label: "x" })).toBe(masking);
    expect(semanticTypeUses(masking, "email")).toBe(2);
    expect(semanticTypeUses(masking, "loyalty")).toBe(0);
  });

  it("sets a type's mask for transformed values: a built-in is declared for it, and dropped again when it is cleared", () => {
    const set = updateSemanticType(base(), "email", { transformedMethod: { algorithm: "hash" } });
    expect(set.semanticTypes).toEqual([{ id: "email", label: "Email address", method: { algorithm: "partial", keepFirst: 1 }, transformedMethod: { algorithm: "hash" } }]);
    // Changing the method keeps the transformed mask; clearing the transformed mask of an otherwise default built-in drops the declaration.
    const retuned = updateSemanticType(set, "email", { method: { algorithm: "full" } });
    expect(retuned.semanticTypes[0]).toMatchObject({ method: { algorithm: "full" }, transformedMethod: { algorithm: "hash" } });
    expect(updateSemanticType(set, "email", { transformedMethod: null }).semanticTypes).toEqual([]);
    expect(updateSemanticType(retuned, "email", { transformedMethod: null }).semanticTypes).toEqual([{ id: "email", label: "Email address", method: { algorithm: "full" } }]);
  });

  it("keeps a custom type's transformed mask when its label changes", () => {
    const masking = { ...base(), semanticTypes: [{ id: "loyalty", label: "Loyalty", method: { algorithm: "full" as const }, transformedMethod: { algorithm: "null" as const } }] };
    expect(updateSemanticType(masking, "loyalty", { label: "Loyalty id" }).semanticTypes[0]).toEqual({ id: "loyalty", label: "Loyalty id", method: { algorithm: "full" }, transformedMethod: { algorithm: "null" } });
  });

  it("suggests a valid, unused id from a label", () => {
    expect(suggestTypeId("Loyalty card no.", [])).toBe("loyalty_card_no");
    expect(suggestTypeId("Número de cliente", [])).toBe("numero_de_cliente");
    expect(suggestTypeId("42 things", [])).toBe("things");
    expect(suggestTypeId("!!!", [])).toBe("custom");
    expect(suggestTypeId("Email", ["email", "email_2"])).toBe("email_3");
  });
});

describe("detectors", () => {
  it("lists an unlisted detector as off with its default type, and appends it when changed", () => {
    expect(detectorSetting(base(), "us_ssn")).toEqual({ isEnabled: false, semanticType: "national_id" });
    const on = updateDetector(base(), "us_ssn", { isEnabled: true });
    expect(on.detectors).toEqual([
      { detector: "card_number", isEnabled: true, semanticType: "card_number" },
      { detector: "us_ssn", isEnabled: true, semanticType: "national_id" },
    ]);
    expect(updateDetector(on, "card_number", { semanticType: "secret" }).detectors[0]).toEqual({ detector: "card_number", isEnabled: true, semanticType: "secret" });
  });
});

describe("isExemptionExpired", () => {
  it("never for no expiry; expired at or after the time, or when the time does not parse", () => {
    const now = Date.parse("2026-03-01T12:00:00Z");
    expect(isExemptionExpired(null, now)).toBe(false);
    expect(isExemptionExpired("2026-03-01T12:00:01Z", now)).toBe(false);
    expect(isExemptionExpired("2026-03-01T12:00:00Z", now)).toBe(true);
    expect(isExemptionExpired("not a date", now)).toBe(true);
  });
});

describe("findChangedColumn", () => {
  it("names the one column whose rule was added, retyped or removed", () => {
    expect(findChangedColumn(base(), setColumnRule(base(), "public.customers.address", "email"))).toBe("public.customers.address");
    expect(findChangedColumn(base(), setColumnRule(base(), "public.customers.email", "secret"))).toBe("public.customers.email");
    expect(findChangedColumn(base(), setColumnRule(base(), "public.customers.phone", null))).toBe("public.customers.phone");
  });

  it("names none when nothing or several changed", () => {
    expect(findChangedColumn(base(), base())).toBeNull();
    expect(findChangedColumn(base(), { ...base(), columnRules: [] })).toBeNull();
  });
});

describe("lineage options", () => {
  it("changes one option and leaves the others", () => {
    const next = updateLineageOptions(base(), { copies: "block" });
    expect(next.lineage).toEqual({ ...DEFAULT_MASKING_LINEAGE, copies: "block" });
    expect(base().lineage.copies).toBe("hold");
  });
});
