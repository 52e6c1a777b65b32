import type { MaskedColumn } from "@/lib/shared/contracts/sessions";

/**
 * How the player names why a recorded column was masked: a short marker for its header and cells
 * ("masked", "masked: computed", "masked: source unknown") and a sentence for tooltips, screen
 * readers and the legend under the table ("Masked (email, transformed) · computed from
 * public.customers.email"). Pure, so it is tested.
 */

export type MaskLabel = { marker: string; sentence: string };

const list = (items: readonly string[] | undefined) => (items ?? []).join(", ");

export function describeMaskedColumn(m: MaskedColumn): MaskLabel {
  const types = m.semanticTypes.join(", ");
  const exempt = m.exemptGroup ? ` · the client saw it unmasked as ${m.exemptGroup}` : "";
  switch (m.matchedBy) {
    case "lineage":
      return { marker: "masked: computed", sentence: `Masked (${types ? `${types}, ` : ""}transformed) · computed from ${list(m.sources) || m.rule || "a masked column"}${exempt}` };
    case "undetermined":
      return { marker: "masked: source unknown", sentence: `Masked · source unknown${m.reason ? `: ${m.reason}` : ""}${exempt}` };
    default: {
      const how = m.rule ?? (m.detectors?.length ? `detectors: ${list(m.detectors)}` : m.matchedBy.replace("_", " "));
      return { marker: "masked", sentence: `Masked (${types || "masked"}) · ${how}${exempt}` };
    }
  }
}

/** Whether the recorded value at (row, column) is a masked one: rules and lineage mask the whole column, detectors the rows they listed. */
export function isMaskedCell(m: MaskedColumn | undefined, row: number): boolean {
  if (!m) return false;
  return m.matchedBy === "detector" ? (m.rows?.includes(row) ?? false) : true;
}
