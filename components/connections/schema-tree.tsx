"use client";

import { useId, useMemo, useState } from "react";
import { Button } from "@/components/ui/button";
import { EmptyState } from "@/components/ui/empty-state";
import { Field } from "@/components/ui/field";
import { Input } from "@/components/ui/input";
import type { SchemaDto, SchemaTableDto } from "@/lib/shared/contracts/connections";
import { filterSchema, tableKey } from "./filter-schema";
import { SchemaTableItem, type SchemaColumnSlots } from "./schema-table-item";

type SchemaTreeProps = {
  schema: SchemaDto;
  /** What a feature adds to each column (see SchemaColumnSlots); the plain catalog without it. */
  columnSlots?: SchemaColumnSlots;
  /** Called when the admin opens a table. */
  onOpenTable?: (table: SchemaTableDto) => void;
};

/** Schemas -> tables -> columns with a filter and expand/collapse; `schema` must have at least one table. */
export function SchemaTree({ schema, columnSlots, onOpenTable }: SchemaTreeProps) {
  const [query, setQuery] = useState("");
  const idPrefix = useId();
  // Only what the admin chose; otherwise a table is open when the filter matched some of its columns,
  // because those matches would be invisible in a closed table.
  const [openChoice, setOpenChoice] = useState<ReadonlyMap<string, boolean>>(new Map());
  const visible = useMemo(() => filterSchema(schema, query), [schema, query]);
  const visibleKeys = visible.flatMap((s) => s.tables.map(tableKey));
  const tableTotal = schema.schemas.reduce((n, s) => n + s.tables.length, 0);

  const isFiltering = query.trim() !== "";
  const isOpen = (key: string, isColumnMatch: boolean) => openChoice.get(key) ?? (isColumnMatch && isFiltering);
  const setAllOpen = (open: boolean) => setOpenChoice(new Map(visibleKeys.map((key) => [key, open])));

  return (
    <div className="space-y-5">
      <div className="flex flex-wrap items-end gap-3">
        <Field label="Filter tables and columns" className="min-w-48 flex-1">
          {(control) => <Input {...control} type="search" value={query} onChange={(e) => setQuery(e.target.value)} placeholder="e.g. orders, email, jsonb" spellCheck={false} />}
        </Field>
        <div className="flex gap-2">
          <Button size="sm" variant="ghost" onClick={() => setAllOpen(true)}>
            Expand all
          </Button>
          <Button size="sm" variant="ghost" onClick={() => setAllOpen(false)}>
            Collapse all
          </Button>
        </div>
      </div>
      <p className="text-xs text-slate-500" aria-live="polite">
        {isFiltering ? `${visibleKeys.length} of ${tableTotal} tables match.` : `${tableTotal} ${tableTotal === 1 ? "table" : "tables"} in ${schema.schemas.length} ${schema.schemas.length === 1 ? "schema" : "schemas"}.`}
      </p>
      {visible.length === 0 && <EmptyState title="Nothing matches" description={`No schema, table, column or type contains "${query.trim()}".`} />}
      {visible.map((s, i) => (
        <section key={s.name} aria-labelledby={`${idPrefix}-schema-${i}`}>
          <h3 id={`${idPrefix}-schema-${i}`} className="mb-2 flex items-baseline gap-2 text-sm font-semibold text-slate-900">
            <span className="font-mono">{s.name}</span>
            <span className="text-xs font-normal text-slate-500">{s.tables.length} {s.tables.length === 1 ? "table" : "tables"}</span>
          </h3>
          <ul className="space-y-1.5">
            {s.tables.map((table) => {
              const key = tableKey(table);
              const open = isOpen(key, table.isColumnMatch);
              const toggle = () => {
                setOpenChoice((prev) => new Map(prev).set(key, !open));
                if (!open) onOpenTable?.(table);
              };
              return <SchemaTableItem key={key} table={table} query={query} isOpen={open} onToggle={toggle} columnSlots={columnSlots} />;
            })}
          </ul>
        </section>
      ))}
    </div>
  );
}
