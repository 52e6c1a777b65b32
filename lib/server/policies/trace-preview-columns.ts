import type { DescribedField } from "@/lib/db/target-catalog";
import type { ColumnLineage, CopyTarget, LineageSource, StatementLineage } from "@/lib/policy/lineage/lineage-types";
import { textValueClass, type ColumnPlan, type CompiledMaskingPolicy } from "@/lib/policy/masking";
import { findMaskedSources, planLineageColumn } from "@/lib/policy/masking/lineage-plan";
import type { PolicyDocument } from "@/lib/policy/policy-document";
import type { PreviewColumnLineageDto, PreviewColumnMaskDto, PreviewResultColumnDto, PreviewStatementLineageDto } from "@/lib/shared/contracts/policies";

/**
 * The policy preview's result columns, from a statement's lineage and the target's description of
 * it, each planned as the gateway plans it (planLineageColumn) and named for the console. Pure.
 */

/** The statement's result columns and types as the target described them, or why it could not. */
export type DescribedResult = { fields: DescribedField[] | null; error: string | null };

/**
 * One statement's columns: lineage's list, with the described names and types where the target
 * described it. A `*` that stands for any number of columns (isRest) covers the described columns
 * beyond the others.
 */
export function traceStatement(
  m: CompiledMaskingPolicy,
  policy: PolicyDocument,
  statementIndex: number,
  lineage: StatementLineage,
  described: DescribedResult,
  typeNames: ReadonlyMap<number, string>,
): PreviewStatementLineageDto {
  const whole = lineage.undetermined;
  const outputs = lineage.columns;
  let columns: PreviewResultColumnDto[] | null = null;
  const fields = described.fields;
  if (outputs !== null || (fields && fields.length > 0)) {
    const list = alignColumns(outputs ?? [], fields, whole);
    columns = list.map(({ name, lineage: l, isRest, typeOid }) => {
      const cls = textValueClass(typeOid ?? TEXT_OID);
      return {
        name,
        type: typeOid === null ? null : (typeNames.get(typeOid) ?? null),
        isRest,
        lineage: lineageDto(l),
        mask: maskDto(m, policy, planLineageColumn(m, l, name, cls)),
      };
    });
  }
  return {
    statementIndex,
    columns,
    undetermined: whole,
    copies: lineage.copies.map((c) => ({ target: describeCopyTarget(c.target, c.targetColumnName), sources: c.lineage.sources.map(qualified), maskedSources: findMaskedSources(m, c.lineage.sources).map((s) => qualified(s.source)) })),
    predicates: lineage.predicates.map((p) => ({ clause: p.clause, sources: p.sources.map(qualified), maskedSources: findMaskedSources(m, p.sources).map((s) => qualified(s.source)) })),
    describeError: described.error,
  };
}

/** Unknown types are planned as text, the class masks assume most of. */
const TEXT_OID = 25;

type AlignedColumn = { name: string; lineage: ColumnLineage; isRest: boolean; typeOid: number | null };

/**
 * Lineage's columns beside the described ones, by position. A rest column (`*` over a function)
 * stands for as many described columns as are left over; when the whole statement is undetermined
 * every column is. Without a description, lineage's own list stands.
 */
export function alignColumns(outputs: readonly { name: string; lineage: ColumnLineage; isRest?: boolean }[], fields: readonly DescribedField[] | null, whole: string | null): AlignedColumn[] {
  const unknown = (reason: string): ColumnLineage => ({ kind: "undetermined", reason, sources: [] });
  if (!fields) return outputs.map((o) => ({ name: o.name, lineage: whole ? unknown(whole) : o.lineage, isRest: o.isRest === true, typeOid: null }));
  if (whole) return fields.map((f) => ({ name: f.name, lineage: unknown(whole), isRest: false, typeOid: f.typeOid }));
  const restAt = outputs.findIndex((o) => o.isRest);
  const out: AlignedColumn[] = [];
  if (restAt < 0) {
    fields.forEach((f, i) => {
      const o = outputs[i];
      out.push({ name: f.name, lineage: o?.lineage ?? unknown("lineage lists fewer columns than the statement returns"), isRest: false, typeOid: f.typeOid });
    });
    return out;
  }
  const after = outputs.length - restAt - 1;
  const restCount = Math.max(0, fields.length - restAt - after);
  fields.forEach((f, i) => {
    const o = i < restAt ? outputs[i] : i < restAt + restCount ? outputs[restAt] : outputs[i - restCount + 1];
    out.push({ name: f.name, lineage: o?.lineage ?? unknown("lineage lists fewer columns than the statement returns"), isRest: false, typeOid: f.typeOid });
  });
  return out;
}

const qualified = (s: LineageSource) => `${s.schema}.${s.table}.${s.column}`;

export function lineageDto(l: ColumnLineage): PreviewColumnLineageDto {
  switch (l.kind) {
    case "direct":
      return { kind: "direct", sources: l.sources.map(qualified) };
    case "derived":
      return { kind: "derived", sources: l.sources.map(qualified), exemptBy: l.exemptBy ?? null, exempted: (l.exempted ?? []).map(qualified) };
    case "undetermined":
      return { kind: "undetermined", reason: l.reason, sources: l.sources.map(qualified) };
  }
}

/** A column's plan as the console names it. */
export function maskDto(m: CompiledMaskingPolicy, policy: PolicyDocument, plan: ColumnPlan): PreviewColumnMaskDto {
  if (plan.kind === "pass") return { kind: "none" };
  if (plan.kind === "detect") return { kind: "detectors", detectors: m.detectors.map((d) => d.detector) };
  const { match } = plan;
  switch (match.matchedBy) {
    case "column_rule":
    case "name_pattern":
      return { kind: "rule", matchedBy: match.matchedBy, rule: match.rule, semanticType: match.semanticType, method: plan.type.method };
    case "lineage":
      return { kind: "transformed", semanticTypes: match.semanticTypes, sources: match.sources, method: plan.type.method };
    case "undetermined":
      return { kind: "undetermined", action: policy.masking.lineage.undetermined, reason: match.reason };
  }
}

export function describeCopyTarget(t: CopyTarget, columnName: string | undefined): string {
  switch (t.kind) {
    case "client":
      return "the client (COPY … TO STDOUT)";
    case "column":
      return `${t.isTemporary ? "temporary " : ""}${t.schema ? `${t.schema}.` : ""}${t.table}.${t.column ?? columnName ?? "?"}`;
    case "server_file":
      return t.isProgram ? "a program on the database server (COPY … TO PROGRAM)" : "a file on the database server (COPY … TO a file)";
    case "new_relation":
      return `new ${t.isTemporary ? "temporary " : ""}${t.relationKind.replace("_", " ")} ${t.schema ? `${t.schema}.` : ""}${t.name}${columnName ? ` (${columnName})` : ""}`;
  }
}
