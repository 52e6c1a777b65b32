import { createColumnMatcher, DEFAULT_FULL_REPLACEMENT, findActiveExemption, resolveEnabledDetectors, resolveSemanticType } from "@/lib/policy/masking";
import type { MaskingMethod, PolicyDocument } from "@/lib/policy/policy-document";

/**
 * What `describe_table` tells a model about masking: the same column rules and name patterns the
 * gateway matches result columns with (createColumnMatcher), the content detectors that mask
 * matching values in any text column, and whether an exemption lets these groups see clear values.
 * Pure: the policy comes from the caller's PolicySource.
 */

export type ColumnMasking = {
  semanticType: string;
  label: string;
  /** In words: "partial: keeps the first 1 character(s)". */
  method: string;
  matchedBy: "column_rule" | "name_pattern";
  rule: string;
};

export type TableMasking = {
  columns: Record<string, ColumnMasking>;
  /** Detectors on in this policy: values they recognise are masked in any text column, whatever its name. */
  detectors: { detector: string; semanticType: string }[];
  /** Set when an exemption for one of the actor's groups lets them see clear values (the gateway masks nothing then). */
  exemption: { group: string; expiresAt: string | null; reason: string } | null;
};

export function describeTableMasking(policy: PolicyDocument, table: { schema: string; table: string }, columnNames: string[], groups: readonly string[], now = new Date()): TableMasking {
  const match = createColumnMatcher(policy.masking);
  const columns: Record<string, ColumnMasking> = {};
  for (const column of columnNames) {
    const hit = match({ schema: table.schema, table: table.table, column }, column);
    if (!hit) continue;
    const type = resolveSemanticType(hit.semanticType, policy.masking);
    columns[column] = {
      semanticType: hit.semanticType,
      label: type?.label ?? hit.semanticType,
      // A rule naming an unknown type cannot pass validation; if it did, the gateway would fail closed.
      method: type ? describeMethod(type.method) : "withheld (unknown semantic type)",
      matchedBy: hit.matchedBy,
      rule: hit.rule,
    };
  }
  const detectors = resolveEnabledDetectors(policy.masking).map((d) => ({ detector: d.detector, semanticType: d.semanticType.id }));
  const exemption = findActiveExemption(groups, policy.masking.exemptions, now);
  return { columns, detectors, exemption: exemption ? { group: exemption.group, expiresAt: exemption.expiresAt, reason: exemption.reason } : null };
}

export function describeMethod(m: MaskingMethod): string {
  switch (m.algorithm) {
    case "full":
      return `full: replaced by "${m.replacement ?? DEFAULT_FULL_REPLACEMENT}"`;
    case "partial":
      return `partial: keeps the first ${m.keepFirst ?? 0} and last ${m.keepLast ?? 0} character(s), the rest replaced`;
    case "inner":
      return `inner: keeps ${m.keepFirst ?? 0} character(s) at the start and ${m.keepLast ?? 0} at the end, the middle replaced`;
    case "outer":
      return `outer: keeps the middle, ${m.keepFirst ?? 0} character(s) at the start and ${m.keepLast ?? 0} at the end replaced`;
    case "hash":
      return "hash: replaced by a keyed hash (equal values give equal hashes, so joins and counts still work)";
    case "null":
      return "null: returned as NULL";
  }
}
