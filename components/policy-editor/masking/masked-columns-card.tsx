"use client";

import type { UseQueryResult } from "@tanstack/react-query";
import clsx from "clsx";
import { useMemo, useRef } from "react";
import { SchemaLoading } from "@/components/connections/schema-browser";
import { SchemaTree } from "@/components/connections/schema-tree";
import type { SchemaColumnSlots } from "@/components/connections/schema-table-item";
import { Alert } from "@/components/ui/alert";
import { Badge } from "@/components/ui/badge";
import { Button } from "@/components/ui/button";
import { Card } from "@/components/ui/card";
import { EmptyState } from "@/components/ui/empty-state";
import { createColumnMatcher, type SemanticTypeDefinition } from "@/lib/policy/masking";
import type { MaskingPolicy } from "@/lib/policy/policy-document";
import type { SchemaDto, SchemaTableDto } from "@/lib/shared/contracts/connections";
import { ColumnTypePicker } from "./column-type-picker";
import { findColumnRule, setColumnRule } from "./masking-draft";

type MaskedColumnsCardProps = {
  schema: UseQueryResult<SchemaDto, Error>;
  masking: MaskingPolicy;
  types: readonly SemanticTypeDefinition[];
  errors: Record<string, string>;
  onChange: (next: MaskingPolicy) => void;
  /** `schema.table.column` whose picker is open, or null. */
  selected: string | null;
  onSelect: (column: string | null, table: SchemaTableDto | null) => void;
  onOpenTable: (table: SchemaTableDto) => void;
};

const qualify = (table: Pick<SchemaTableDto, "schema" | "name">, column: string) => `${table.schema}.${table.name}.${column}`;

/**
 * The target's schema with each column's semantic type (its column rule, or a name pattern that
 * matches it); a click on a column opens a picker that gives it a type or takes its rule away.
 */
export function MaskedColumnsCard({ schema, masking, types, errors, onChange, selected, onSelect, onOpenTable }: MaskedColumnsCardProps) {
  const matcher = useMemo(() => createColumnMatcher(masking), [masking]);
  const labelOf = (id: string) => types.find((t) => t.id === id)?.label ?? id;
  const root = useRef<HTMLDivElement>(null);
  const tableTotal = schema.data?.schemas.reduce((n, s) => n + s.tables.length, 0) ?? 0;

  const close = (column: string) => {
    onSelect(null, null);
    // Back to the column's button, so the keyboard stays where it was.
    requestAnimationFrame(() => root.current?.querySelector<HTMLButtonElement>(`button[data-column="${CSS.escape(column)}"]`)?.focus());
  };

  const slots: SchemaColumnSlots = {
    isCompact: true,
    renderName: (table, column, name) => {
      const qualified = qualify(table, column.name);
      const isSelected = selected === qualified;
      return (
        <button
          type="button"
          data-column={qualified}
          aria-label={qualified}
          aria-expanded={isSelected}
          onClick={() => onSelect(isSelected ? null : qualified, table)}
          className={clsx(
            "rounded px-1 -mx-1 text-left underline decoration-slate-300 decoration-dotted underline-offset-4 hover:bg-brand-50 hover:decoration-brand-500 focus-visible:outline-none focus-visible:ring-2 focus-visible:ring-brand-500",
            isSelected && "bg-brand-50 decoration-brand-500",
          )}
        >
          {name}
        </button>
      );
    },
    extra: {
      header: "Masked as",
      render: (table, column) => {
        const match = matcher({ schema: table.schema, table: table.name, column: column.name }, column.name);
        if (!match) return <span className="text-slate-400">—</span>;
        return (
          <span className="inline-flex flex-wrap items-center gap-1" title={match.matchedBy === "column_rule" ? `Column rule ${match.rule}` : `Name pattern ${match.rule}`}>
            <Badge tone={match.matchedBy === "column_rule" ? "warning" : "neutral"}>{labelOf(match.semanticType)}</Badge>
            {match.matchedBy === "name_pattern" && <span className="font-mono text-[11px] text-slate-500">{match.rule}</span>}
          </span>
        );
      },
    },
    renderDetail: (table, column) => {
      const qualified = qualify(table, column.name);
      if (selected !== qualified) return null;
      const rule = findColumnRule(masking, qualified);
      const ruleAt = rule ? masking.columnRules.indexOf(rule) : -1;
      const pattern = createColumnMatcher({ columnRules: [], namePatterns: masking.namePatterns })(null, column.name);
      return (
        <ColumnTypePicker
          column={qualified}
          ruleType={rule?.semanticType ?? null}
          patternMatch={pattern}
          hasDetectors={masking.detectors.some((d) => d.isEnabled)}
          types={types}
          error={ruleAt >= 0 ? (errors[`masking.columnRules.${ruleAt}.semanticType`] ?? errors[`masking.columnRules.${ruleAt}.column`]) : undefined}
          // A rule written in another case keeps its spelling; a new one is written as the catalog spells the column.
          onChange={(type) => onChange(setColumnRule(masking, rule?.column ?? qualified, type))}
          onClose={() => close(qualified)}
        />
      );
    },
  };

  return (
    <Card
      title="Columns"
      description="Choose a column to give it a semantic type. Badges show what masks each column now: its rule, or a name pattern (grey)."
      actions={
        <Button size="sm" onClick={() => schema.refetch()} isLoading={schema.isFetching} disabled={schema.isPending && !schema.isError}>
          Reload
        </Button>
      }
    >
      <div ref={root}>
        {schema.isPending && !schema.isError && <SchemaLoading />}
        {schema.isError && (
          <Alert tone="danger" actions={<Button size="sm" onClick={() => schema.refetch()}>Retry</Button>}>
            {schema.error.message} Column rules can still be written in the Raw JSON tab.
          </Alert>
        )}
        {schema.data && tableTotal === 0 && <EmptyState title="No tables" description="The connection's user cannot see any tables or views." />}
        {schema.data && tableTotal > 0 && <SchemaTree schema={schema.data} columnSlots={slots} onOpenTable={onOpenTable} />}
        <StaleRules masking={masking} schema={schema.data ?? null} labelOf={labelOf} errors={errors} onChange={onChange} />
      </div>
    </Card>
  );
}

type StaleRulesProps = {
  masking: MaskingPolicy;
  schema: SchemaDto | null;
  labelOf: (id: string) => string;
  errors: Record<string, string>;
  onChange: (next: MaskingPolicy) => void;
};

/** Rules for columns the schema does not show (dropped, renamed, out of the user's sight): listed so none is forgotten. */
function StaleRules({ masking, schema, labelOf, errors, onChange }: StaleRulesProps) {
  if (!schema) return null;
  const known = new Set(schema.schemas.flatMap((s) => s.tables.flatMap((t) => t.columns.map((c) => qualify(t, c.name).toLowerCase()))));
  const stale = masking.columnRules.map((r, i) => ({ ...r, index: i })).filter((r) => !known.has(r.column.toLowerCase()));
  if (stale.length === 0) return null;
  return (
    <section aria-label="Rules for columns not in the schema" className="mt-5 border-t border-slate-100 pt-4">
      <h3 className="text-sm font-semibold text-slate-900">Rules for columns not in the schema</h3>
      <p className="mb-2 text-xs text-slate-500">Dropped or renamed columns, or ones this connection&apos;s user cannot see. They still apply if the column comes back.</p>
      <ul className="space-y-1.5">
        {stale.map((r) => {
          const error = errors[`masking.columnRules.${r.index}.column`] ?? errors[`masking.columnRules.${r.index}.semanticType`];
          return (
            <li key={r.index} className="flex flex-wrap items-center gap-2 text-sm">
              <code className="font-mono text-slate-800">{r.column}</code>
              <Badge tone="warning">{labelOf(r.semanticType)}</Badge>
              {error && <span className="text-xs font-medium text-red-600">{error}</span>}
              <Button
                size="sm"
                variant="ghost"
                className="ml-auto text-red-700 hover:bg-red-50 hover:text-red-800"
                aria-label={`Remove the rule for ${r.column}`}
                onClick={() => onChange({ ...masking, columnRules: masking.columnRules.filter((_, i) => i !== r.index) })}
              >
                Remove
              </Button>
            </li>
          );
        })}
      </ul>
    </section>
  );
}
