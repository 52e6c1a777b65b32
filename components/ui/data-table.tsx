"use client";

import clsx from "clsx";
import { useMemo, useState, type MouseEvent, type ReactNode } from "react";
import { Skeleton } from "./skeleton";
import { sortRows, type SortDirection, type SortValue } from "./sort-rows";

export type DataTableColumn<T> = {
  key: string;
  header: string;
  cell: (row: T) => ReactNode;
  /** Makes the column sortable by clicking its header. */
  sortValue?: (row: T) => SortValue;
  className?: string;
};

export type DataTableSort = { key: string; direction: SortDirection };

type DataTableProps<T> = {
  /** What the table lists, for screen readers (rendered as a visually hidden caption). */
  label: string;
  columns: DataTableColumn<T>[];
  rows: readonly T[] | undefined;
  getRowKey: (row: T) => string;
  isLoading?: boolean;
  skeletonRowCount?: number;
  emptyState?: ReactNode;
  defaultSort?: DataTableSort;
  /** Mouse convenience only: keyboard users reach the same place through a link inside the row. */
  onRowClick?: (row: T) => void;
};

/**
 * Below the md breakpoint (a phone) each row is shown as a stacked card, every cell labelled with
 * its column's header, so no page needs sideways scrolling; from md up it is an ordinary table.
 */
export function DataTable<T>({ label, columns, rows, getRowKey, isLoading = false, skeletonRowCount = 5, emptyState, defaultSort, onRowClick }: DataTableProps<T>) {
  const [sort, setSort] = useState<DataTableSort | undefined>(defaultSort);
  const sortColumn = columns.find((c) => c.key === sort?.key && c.sortValue);
  const sortedRows = useMemo(
    () => (rows && sort && sortColumn?.sortValue ? sortRows(rows, sortColumn.sortValue, sort.direction) : (rows ?? [])),
    [rows, sort, sortColumn],
  );

  const toggleSort = (key: string) =>
    setSort((prev) => (prev?.key === key ? { key, direction: prev.direction === "asc" ? "desc" : "asc" } : { key, direction: "asc" }));

  const onClickRow = (row: T) => (event: MouseEvent<HTMLTableRowElement>) => {
    // Let links and buttons in the row do their own thing, and don't navigate away while the user selects text.
    if ((event.target as HTMLElement).closest("a, button, input, select, textarea, label")) return;
    if (window.getSelection()?.toString()) return;
    onRowClick?.(row);
  };

  const showSkeleton = isLoading && !rows;
  return (
    // Positioned, so screen-reader-only text inside stays within the scroll box and does not widen the page.
    <div className="relative overflow-x-auto">
      <table className="w-full border-collapse text-left text-sm max-md:block" aria-busy={showSkeleton || undefined}>
        <caption className="sr-only">{label}</caption>
        <thead className="max-md:hidden">
          <tr className="border-b border-slate-200 bg-slate-50/80">
            {columns.map((column) => {
              const direction = sort?.key === column.key ? sort.direction : undefined;
              return (
                <th
                  key={column.key}
                  scope="col"
                  aria-sort={direction === "asc" ? "ascending" : direction === "desc" ? "descending" : undefined}
                  className={clsx("px-3 py-2.5 text-xs font-semibold tracking-wide text-slate-500 uppercase", column.className)}
                >
                  {column.sortValue ? (
                    <button
                      type="button"
                      onClick={() => toggleSort(column.key)}
                      className="-mx-1 inline-flex items-center gap-1 rounded px-1 uppercase hover:text-slate-900 focus-visible:outline-none focus-visible:ring-2 focus-visible:ring-brand-500"
                    >
                      {column.header}
                      <SortIcon direction={direction} />
                    </button>
                  ) : (
                    column.header
                  )}
                </th>
              );
            })}
          </tr>
        </thead>
        <tbody className="divide-y divide-slate-100 max-md:block">
          {showSkeleton &&
            Array.from({ length: skeletonRowCount }, (_, i) => (
              <tr key={`skeleton-${i}`} className="max-md:block max-md:py-2">
                {columns.map((column) => (
                  <td key={column.key} className={clsx("px-3 py-3 max-md:block max-md:px-4 max-md:py-1", column.className)}>
                    <Skeleton className={i % 2 ? "w-2/3" : "w-4/5"} />
                  </td>
                ))}
              </tr>
            ))}
          {!showSkeleton && sortedRows.length === 0 && (
            <tr className="max-md:block">
              <td colSpan={columns.length} className="max-md:block">
                {emptyState}
              </td>
            </tr>
          )}
          {sortedRows.map((row) => (
            <tr
              key={getRowKey(row)}
              onClick={onRowClick ? onClickRow(row) : undefined}
              className={clsx("align-top max-md:block max-md:py-2", onRowClick && "cursor-pointer hover:bg-slate-50")}
            >
              {columns.map((column) => (
                <td
                  key={column.key}
                  data-label={column.header || undefined}
                  className={clsx(
                    "px-3 py-3 text-slate-700 max-md:px-4",
                    // Stacked: the header's text before each value (from data-label), value beside it.
                    "max-md:flex max-md:items-baseline max-md:gap-3 max-md:py-1 max-md:text-left",
                    column.header && STACKED_LABEL,
                    column.className,
                  )}
                >
                  <div className="min-w-0 max-md:flex-1 max-md:text-left max-md:wrap-anywhere">{column.cell(row)}</div>
                </td>
              ))}
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

const STACKED_LABEL =
  "max-md:before:w-28 max-md:before:shrink-0 max-md:before:text-xs max-md:before:font-semibold max-md:before:tracking-wide max-md:before:text-slate-500 max-md:before:uppercase max-md:before:content-[attr(data-label)]";

function SortIcon({ direction }: { direction?: SortDirection }) {
  return (
    <svg viewBox="0 0 12 12" aria-hidden className={clsx("h-3 w-3", direction ? "text-slate-900" : "text-slate-300")} fill="currentColor">
      {direction !== "desc" && <path d="M6 2 9.5 6h-7z" />}
      {direction !== "asc" && <path d="M6 10 2.5 6h7z" />}
    </svg>
  );
}
