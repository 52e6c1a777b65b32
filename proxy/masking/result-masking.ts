import type { MaskedColumn } from "@/drizzle/schema";
import type { Detector, MaskingPolicy } from "@/lib/policy/policy-document";
import {
  compileMaskingPolicy,
  maskColumnText,
  planColumn as planPolicyColumn,
  type ColumnMatch,
  type ColumnPlan as PolicyColumnPlan,
  type CompiledMaskingPolicy,
  type MaskingContext,
  type MaskingExemption,
  type ValueClass,
} from "@/lib/policy/masking";
import type { RowFilter } from "../hooks/gateway-hooks";
import { createMaskTally } from "../metrics/mask-tally";
import { canWriteText, readValueText, writeValueText } from "./value-types";

/** A connection's masking section, prepared once per policy version. */
export type CompiledMasking = CompiledMaskingPolicy & { version: number };

/**
 * Throws on a semantic type the policy does not define (a validated document has none): the caller
 * then fails closed for every result of the connection rather than leave a rule's column unmasked.
 */
export function compileMasking(version: number, masking: MaskingPolicy, ctx: MaskingContext): CompiledMasking {
  return { version, ...compileMaskingPolicy(masking, ctx) };
}

/** What masking does with one result column, and whether its values come in binary format. */
export type ColumnPlan = { kind: "pass" } | (Exclude<PolicyColumnPlan, { kind: "pass" }> & { isBinary: boolean });

export function planColumn(m: CompiledMasking, match: ColumnMatch | null, cls: ValueClass, isBinary: boolean): ColumnPlan {
  const plan = planPolicyColumn(m, match, cls);
  return plan.kind === "pass" ? plan : { ...plan, isBinary };
}

export const UNCHANGED = Symbol("unchanged");
export type CellResult = Buffer | null | typeof UNCHANGED;

/**
 * Masks one non-null value as its plan says. `fired` collects the detectors that found something.
 * A masked value a binary column cannot carry as text becomes NULL.
 */
export function maskCell(value: Buffer, plan: ColumnPlan, m: CompiledMasking, fired?: Set<Detector>): CellResult {
  if (plan.kind === "pass") return UNCHANGED;
  const { cls, isBinary } = plan;
  if (plan.kind === "rule" && !canWriteText(cls, isBinary)) return null;
  const text = readValueText(value, cls, isBinary);
  if (text === null) return UNCHANGED;
  const masked = maskColumnText(text, plan, m);
  if (masked === null) return UNCHANGED;
  for (const d of masked.fired) fired?.add(d);
  if (masked.text === null || !canWriteText(cls, isBinary)) return null;
  return writeValueText(masked.text, cls, isBinary);
}

/** Row numbers listed per column for the player; the recording keeps fewer rows than this anyway. */
const MAX_LISTED_ROWS = 100_000;

/** Which columns masking touched, for the recording (`statements.masked_columns`). */
export class MaskedColumnsSummary {
  private readonly found = new Map<number, { detectors: Set<Detector>; rows: number[]; isTruncated: boolean }>();

  constructor(
    private readonly names: readonly string[],
    private readonly plans: readonly ColumnPlan[],
    private readonly m: CompiledMasking,
    private readonly exemptGroup: string | null,
  ) {}

  noteFindings(column: number, row: number, detectors: Set<Detector>): void {
    let f = this.found.get(column);
    if (!f) this.found.set(column, (f = { detectors: new Set(), rows: [], isTruncated: false }));
    for (const d of detectors) f.detectors.add(d);
    if (f.rows.length < MAX_LISTED_ROWS) f.rows.push(row);
    else f.isTruncated = true;
  }

  result(): MaskedColumn[] | null {
    const out: MaskedColumn[] = [];
    const exempt = this.exemptGroup ? { exemptGroup: this.exemptGroup } : {};
    this.plans.forEach((p, index) => {
      const name = this.names[index] ?? "";
      if (p.kind === "rule") {
        const { match } = p;
        // Lineage: the player says "masked: computed from public.customers.email" or "source unknown (why)".
        if (match.matchedBy === "lineage") out.push({ index, name, matchedBy: "lineage", semanticTypes: match.semanticTypes, rule: match.rule, sources: match.sources, ...exempt });
        else if (match.matchedBy === "undetermined") out.push({ index, name, matchedBy: "undetermined", semanticTypes: [], rule: null, reason: match.reason, ...exempt });
        else out.push({ index, name, matchedBy: match.matchedBy, semanticTypes: [p.type.id], rule: match.rule, ...exempt });
        return;
      }
      const f = this.found.get(index);
      if (!f) return;
      const detectors = this.m.detectors.filter((d) => f.detectors.has(d.detector));
      out.push({
        index,
        name,
        matchedBy: "detector",
        semanticTypes: [...new Set(detectors.map((d) => d.semanticType.id))],
        rule: null,
        detectors: detectors.map((d) => d.detector),
        rows: f.rows,
        ...(f.isTruncated ? { rowsTruncated: true } : {}),
        ...exempt,
      });
    });
    return out.length > 0 ? out : null;
  }
}

/**
 * Masks DataRow values column by column. For a session under an exemption, rows reach the client
 * as they are and only the recording's copy is masked (the recording is read by people the
 * exemption does not cover).
 */
export function createRowMasker(plans: ColumnPlan[], names: string[], m: CompiledMasking, exemption: MaskingExemption | null): RowFilter | undefined {
  const active = plans.map((p, i) => (p.kind === "pass" ? -1 : i)).filter((i) => i >= 0);
  if (active.length === 0) return undefined;
  const summary = new MaskedColumnsSummary(names, plans, m, exemption?.group ?? null);
  // Values an exempt session receives unmasked are not counted as masked.
  const tally = exemption ? null : createMaskTally(plans, m);
  let row = 0;
  const fired = new Set<Detector>();
  const maskRow = (values: (Buffer | null)[]): (Buffer | null)[] => {
    let out = values;
    for (const i of active) {
      const v = values[i];
      if (v === null || v === undefined) continue;
      fired.clear();
      const masked = maskCell(v, plans[i]!, m, fired);
      if (fired.size > 0) summary.noteFindings(i, row, fired);
      if (masked === UNCHANGED) continue;
      tally?.note(i, fired);
      if (out === values) out = values.slice();
      out[i] = masked;
    }
    row++;
    return out;
  };
  const filter: RowFilter = exemption
    ? { transformRow: (values) => values, recordRow: maskRow }
    : { transformRow: maskRow };
  filter.maskedColumns = () => summary.result();
  return filter;
}
