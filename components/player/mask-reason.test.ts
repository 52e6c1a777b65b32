import { describe, expect, it } from "vitest";
import type { MaskedColumn } from "@/lib/shared/contracts/sessions";
import { describeMaskedColumn, isMaskedCell } from "./mask-reason";

const column = (m: Partial<MaskedColumn>): MaskedColumn => ({ index: 0, name: "c", matchedBy: "column_rule", semanticTypes: ["email"], rule: "public.customers.email", ...m });

describe("the player's masked-column labels", () => {
  it("names the sources of a column masked by lineage", () => {
    expect(describeMaskedColumn(column({ matchedBy: "lineage", sources: ["public.customers.email"] }))).toEqual({
      marker: "masked: computed",
      sentence: "Masked (email, transformed) · computed from public.customers.email",
    });
    expect(describeMaskedColumn(column({ matchedBy: "lineage", semanticTypes: ["email", "card_number"], sources: ["public.customers.email", "public.customers.card_number"] })).sentence).toBe(
      "Masked (email, card_number, transformed) · computed from public.customers.email, public.customers.card_number",
    );
  });

  it("says when the source is unknown, with the reason", () => {
    expect(describeMaskedColumn(column({ matchedBy: "undetermined", semanticTypes: [], rule: null, reason: "function public.f is opaque" }))).toEqual({
      marker: "masked: source unknown",
      sentence: "Masked · source unknown: function public.f is opaque",
    });
  });

  it("keeps rules, patterns and detectors as before, and the exemption", () => {
    expect(describeMaskedColumn(column({})).sentence).toBe("Masked (email) · public.customers.email");
    expect(describeMaskedColumn(column({ matchedBy: "name_pattern", rule: "*email*" })).sentence).toBe("Masked (email) · *email*");
    expect(describeMaskedColumn(column({ matchedBy: "detector", rule: null, semanticTypes: ["card_number"], detectors: ["card_number"] })).sentence).toBe("Masked (card_number) · detectors: card_number");
    expect(describeMaskedColumn(column({ exemptGroup: "admin" })).sentence).toBe("Masked (email) · public.customers.email · the client saw it unmasked as admin");
  });

  it("marks every cell of a lineage column, and only the listed rows of a detector column", () => {
    expect(isMaskedCell(column({ matchedBy: "lineage", sources: ["public.customers.email"] }), 3)).toBe(true);
    expect(isMaskedCell(column({ matchedBy: "undetermined" }), 0)).toBe(true);
    expect(isMaskedCell(column({ matchedBy: "detector", rows: [1] }), 0)).toBe(false);
    expect(isMaskedCell(column({ matchedBy: "detector", rows: [1] }), 1)).toBe(true);
    expect(isMaskedCell(undefined, 0)).toBe(false);
  });
});
