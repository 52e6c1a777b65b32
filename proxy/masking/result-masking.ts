import type { MaskedColumn } from "@/drizzle/schema";
import type { Detector, MaskingPolicy } from "@/lib/policy/policy-document";
import {
  createColumnMatcher,
  maskDetected,
  maskValue,
  listSemanticTypes,
  resolveEnabledDetectors,
  type ColumnMatch,
  type ColumnMatcher,
  type ColumnSource,
  type EnabledDetector,
  type MaskingContext,
  type MaskingExemption,
  type SemanticTypeDefinition,
} from "@/lib/policy/masking";
import type { RowFilter } from "../hooks/gateway-hooks";
import { canWriteText, readValueText, writeValueText, type ValueClass } from "./value-types";

/** A connection's masking section, prepared once per policy version. */
export type CompiledMasking = {
  version: number;
  masking: MaskingPolicy;
  matcher: ColumnMatcher;
  detectors: EnabledDetector[];
  /** Column rules or name patterns exist, so where a result column comes from matters. */
  matchesColumns: boolean;
  ctx: MaskingContext;
  /** Every semantic type the policy can use, by id; a rule naming another fails when the policy is compiled. */
  types: ReadonlyMap<string, SemanticTypeDefinition>;
};

/**
 * Throws on a semantic type the policy does not define (a validated document has none): the caller
 * then fails closed for every result of the connection rather than leave a rule's column unmasked.
 */
export function compileMasking(version: number, masking: MaskingPolicy, ctx: MaskingContext): CompiledMasking {
  const types = new Map(listSemanticTypes(masking).map((t) => [t.id, t]));
  for (const r of [...masking.columnRules, ...masking.namePatterns]) {
    if (!types.has(r.semanticType)) throw new Error(`Masking rule names unknown semantic type "${r.semanticType}".`);
  }
  return {
    version,
    masking,
    matcher: createColumnMatcher(masking),
    detectors: resolveEnabledDetectors(masking),
    matchesColumns: masking.columnRules.length + masking.namePatterns.length > 0,
    ctx,
    types,
  };
}

/** Nothing in the policy can mask anything: results and messages pass untouched. */
export function masksNothing(m: CompiledMasking): boolean {
  return !m.matchesColumns && m.detectors.length === 0;
}

/**
 * The rule for a result column: a column rule on any of its sources (the column itself, then the
 * partitioned table it belongs to, then the table columns a view column shows) before a name pattern,
 * so that an alias or a view never trades a column rule for a weaker pattern.
 */
export function matchColumn(m: CompiledMasking, sources: readonly ColumnSource[], resultName: string): ColumnMatch | null {
  let patternHit: ColumnMatch | null = null;
  for (const s of sources) {
    const hit = m.matcher(s, resultName);
    if (hit?.matchedBy === "column_rule") return hit;
    patternHit ??= hit;
  }
  return patternHit ?? m.matcher(null, resultName);
}

/** What masking does with one result column. */
export type ColumnPlan =
  | { kind: "pass" }
  | { kind: "rule"; cls: ValueClass; isBinary: boolean; type: SemanticTypeDefinition; match: ColumnMatch }
  | { kind: "detect"; cls: ValueClass; isBinary: boolean };

export function planColumn(m: CompiledMasking, match: ColumnMatch | null, cls: ValueClass, isBinary: boolean): ColumnPlan {
  if (match) {
    const type = m.types.get(match.semanticType);
    if (!type) throw new Error(`Masking rule names unknown semantic type "${match.semanticType}".`);
    return { kind: "rule", cls, isBinary, type, match };
  }
  if (m.detectors.length === 0 || cls === "plain" || cls === "bytea") return { kind: "pass" };
  return { kind: "detect", cls, isBinary };
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
  if (plan.kind === "rule") {
    if (!canWriteText(cls, isBinary)) return null;
    const text = readValueText(value, cls, isBinary)!;
    const masked = maskValue(text, plan.type, m.ctx);
    if (masked === null) return null;
    // A JSON column must still hold JSON: the masked text becomes a JSON string.
    return writeValueText(cls === "json" || cls === "jsonb" ? JSON.stringify(masked) : masked, cls, isBinary);
  }
  const text = readValueText(value, cls, isBinary);
  if (text === null) return UNCHANGED;
  const found = maskDetected(text, m.detectors, m.ctx);
  if (found.fired.length === 0) return UNCHANGED;
  for (const d of found.fired) fired?.add(d);
  if (found.text === null || !canWriteText(cls, isBinary)) return null;
  return writeValueText(cls === "json" || cls === "jsonb" ? keepJson(found.text) : found.text, cls, isBinary);
}

/** A mask inside a JSON number (a card stored as a number) breaks the document: send it as a JSON string then. */
function keepJson(text: string): string {
  try {
    JSON.parse(text);
    return text;
  } catch {
    return JSON.stringify(text);
  }
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
        out.push({ index, name, matchedBy: p.match.matchedBy, semanticTypes: [p.type.id], rule: p.match.rule, ...exempt });
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
