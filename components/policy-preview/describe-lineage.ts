import { DEFAULT_FULL_REPLACEMENT } from "@/lib/policy/masking";
import type { MaskingMethod } from "@/lib/policy/policy-document";
import type { PreviewColumnLineageDto, PreviewColumnMaskDto, PreviewLineageVerdictDto } from "@/lib/shared/contracts/policies";

/**
 * The words the policy preview uses for a result column's lineage and mask ("computed from
 * public.customers.email", "email, transformed: full"). Pure, so the wording is tested here.
 */

const list = (items: readonly string[]) => items.join(", ");

/** Where a result column's values come from, in one phrase. */
export function describeColumnLineage(lineage: PreviewColumnLineageDto): string {
  switch (lineage.kind) {
    case "direct":
      return lineage.sources.length ? `direct from ${list(lineage.sources)}` : "direct (no table column)";
    case "derived":
      if (lineage.exemptBy) return `exempt aggregate ${lineage.exemptBy}${lineage.exempted.length ? ` (over ${list(lineage.exempted)})` : ""}`;
      return lineage.sources.length ? `computed from ${list(lineage.sources)}` : "a constant or parameter (no table column)";
    case "undetermined":
      return `cannot tell: ${lineage.reason}${lineage.sources.length ? ` (fed at least by ${list(lineage.sources)})` : ""}`;
  }
}

/** A masking method, short: "partial (keep first 1)", "full (“[redacted]”)", "keyed hash"; the default substitute goes unsaid. */
export function describeMethodShort(method: MaskingMethod): string {
  const ends = (verb: string) => {
    const parts = [method.keepFirst ? `first ${method.keepFirst}` : null, method.keepLast ? `last ${method.keepLast}` : null].filter(Boolean);
    return parts.length ? ` (${verb} ${parts.join(", ")})` : "";
  };
  switch (method.algorithm) {
    case "full":
      return method.replacement && method.replacement !== DEFAULT_FULL_REPLACEMENT ? `full (“${method.replacement}”)` : "full";
    case "partial":
    case "inner":
      return `${method.algorithm}${ends("keep")}`;
    case "outer":
      return `outer${ends("mask")}`;
    case "hash":
      return "keyed hash";
    case "null":
      return "null";
  }
}

/** The mask a result column gets, in one phrase. */
export function describeColumnMask(mask: PreviewColumnMaskDto): string {
  switch (mask.kind) {
    case "none":
      return "none";
    case "rule":
      return `${mask.semanticType}, ${describeMethodShort(mask.method)}`;
    case "transformed":
      return `${list(mask.semanticTypes)}, transformed: ${describeMethodShort(mask.method)}`;
    case "undetermined":
      return mask.action === "refuse" ? "refused: source unknown" : "masked in full: source unknown";
    case "detectors":
      return "detectors";
  }
}

const CONCERN_LABELS: Record<PreviewLineageVerdictDto["concerns"][number], string> = {
  copies: "copies masked data",
  inference: "filters on masked columns",
  undetermined: "lineage cannot be determined",
};

/** A lineage verdict's title: "Held for review by lineage: copies masked data". */
export function describeLineageVerdict(verdict: PreviewLineageVerdictDto): string {
  const what = verdict.action === "hold" ? "Held for review by lineage" : "Blocked by lineage";
  return `${what}: ${verdict.concerns.map((c) => CONCERN_LABELS[c]).join(", ")}`;
}
