"use client";

import clsx from "clsx";
import { Fragment, useId, type ReactNode } from "react";
import { Badge } from "@/components/ui/badge";
import type { SchemaColumnDto, SchemaTableDto } from "@/lib/shared/contracts/connections";
import type { FilteredTable } from "./filter-schema";
import { HighlightMatch } from "./highlight-match";

/**
 * What a feature may add to the column list (the policy editor's masking tab makes each column a
 * button with its semantic type); without it the list is the plain read-only catalog.
 */
export type SchemaColumnSlots = {
  /** The column's name cell; `name` is the name with the filter match highlighted. */
  renderName?: (table: SchemaTableDto, column: SchemaColumnDto, name: ReactNode) => ReactNode;
  /** One more cell at the end of each column's row. */
  extra?: { header: string; render: (table: SchemaTableDto, column: SchemaColumnDto) => ReactNode };
  /** A row of its own under the column's (an inline editor), or null. */
  renderDetail?: (table: SchemaTableDto, column: SchemaColumnDto) => ReactNode;
  /** Leaves out the nullability, for narrow places. */
  isCompact?: boolean;
};

type SchemaTableItemProps = { table: FilteredTable; isOpen: boolean; onToggle: () => void; query: string; columnSlots?: SchemaColumnSlots };

function describeRows(table: FilteredTable): string {
  // Views have no storage; a table never analyzed reports no estimate (reltuples = -1).
  if (table.kind === "view" || table.kind === "foreign table") return "";
  if (table.estimatedRows === null) return "rows not estimated yet";
  return `~${table.estimatedRows.toLocaleString()} ${table.estimatedRows === 1 ? "row" : "rows"}`;
}

/** One table or view: a disclosure button, and when open its columns with types and nullability. */
export function SchemaTableItem({ table, isOpen, onToggle, query, columnSlots: slots = {} }: SchemaTableItemProps) {
  const panelId = useId();
  const rows = describeRows(table);
  const cellCount = 3 + (slots.isCompact ? 0 : 1) + (slots.extra ? 1 : 0);
  return (
    <li className="rounded-md border border-slate-200 bg-white">
      <h4>
        <button
          type="button"
          aria-expanded={isOpen}
          aria-controls={panelId}
          onClick={onToggle}
          className="flex w-full items-center gap-3 rounded-md px-3 py-2 text-left text-sm hover:bg-slate-50 focus-visible:outline-none focus-visible:ring-2 focus-visible:ring-brand-500"
        >
          <svg viewBox="0 0 20 20" fill="currentColor" aria-hidden className={clsx("h-4 w-4 shrink-0 text-slate-400 transition-transform", isOpen && "rotate-90")}>
            <path fillRule="evenodd" d="M7.2 14.8a.75.75 0 0 1 0-1.06L10.94 10 7.2 6.26a.75.75 0 1 1 1.06-1.06l4.27 4.27a.75.75 0 0 1 0 1.06L8.26 14.8a.75.75 0 0 1-1.06 0Z" clipRule="evenodd" />
          </svg>
          <span className="min-w-0 truncate font-mono font-medium text-slate-900">
            <HighlightMatch text={table.name} query={query} />
          </span>
          <Badge tone={table.kind === "table" || table.kind === "partitioned table" ? "neutral" : "brand"}>{table.kind}</Badge>
          <span className="ml-auto flex shrink-0 gap-3 text-xs text-slate-500 tabular-nums">
            {rows && <span>{rows}</span>}
            <span>
              {table.isColumnMatch ? `${table.columns.length} of ${table.columnCount}` : table.columnCount} {table.columnCount === 1 ? "column" : "columns"}
            </span>
          </span>
        </button>
      </h4>
      {isOpen && (
        <div id={panelId} className="border-t border-slate-100 px-3 pt-1 pb-2">
          <table className="w-full text-left text-sm">
            <caption className="sr-only">{`Columns of ${table.schema}.${table.name}`}</caption>
            <thead>
              <tr className="text-xs text-slate-500">
                <th scope="col" className="w-10 py-1.5 pr-2 font-medium">#</th>
                <th scope="col" className="py-1.5 pr-4 font-medium">Column</th>
                <th scope="col" className="py-1.5 pr-4 font-medium">Type</th>
                {!slots.isCompact && <th scope="col" className="py-1.5 font-medium">Nullable</th>}
                {slots.extra && <th scope="col" className="py-1.5 font-medium">{slots.extra.header}</th>}
              </tr>
            </thead>
            <tbody className="divide-y divide-slate-50">
              {table.columns.map((column) => {
                const name = <HighlightMatch text={column.name} query={query} />;
                const detail = slots.renderDetail?.(table, column);
                return (
                  <Fragment key={column.name}>
                    <tr>
                      <td className="py-1.5 pr-2 text-xs text-slate-400 tabular-nums">{column.position}</td>
                      <td className="py-1.5 pr-4 font-mono text-slate-900">{slots.renderName ? slots.renderName(table, column, name) : name}</td>
                      <td className="py-1.5 pr-4 font-mono text-xs text-slate-600">
                        <HighlightMatch text={column.type} query={query} />
                      </td>
                      {!slots.isCompact && (
                        <td className="py-1.5 text-xs">{column.nullable ? <span className="text-slate-500">nullable</span> : <span className="font-medium text-slate-700">not null</span>}</td>
                      )}
                      {slots.extra && <td className="py-1.5 text-xs">{slots.extra.render(table, column)}</td>}
                    </tr>
                    {detail && (
                      <tr>
                        <td colSpan={cellCount} className="pb-2">
                          {detail}
                        </td>
                      </tr>
                    )}
                  </Fragment>
                );
              })}
            </tbody>
          </table>
          {table.columns.length === 0 && <p className="py-2 text-xs text-slate-500">No columns.</p>}
        </div>
      )}
    </li>
  );
}
