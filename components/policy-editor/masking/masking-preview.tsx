"use client";

import clsx from "clsx";
import { useEffect, useRef } from "react";
import { Alert } from "@/components/ui/alert";
import { Badge } from "@/components/ui/badge";
import { Button } from "@/components/ui/button";
import { Card } from "@/components/ui/card";
import { Field } from "@/components/ui/field";
import { Select } from "@/components/ui/select";
import { Skeleton } from "@/components/ui/skeleton";
import { Spinner } from "@/components/ui/spinner";
import { useDebouncedValue } from "@/components/ui/use-debounced-value";
import { useMaskingPreview } from "@/lib/client/policies";
import type { SemanticTypeDefinition } from "@/lib/policy/masking";
import type { MaskingPolicy } from "@/lib/policy/policy-document";
import type { SchemaDto } from "@/lib/shared/contracts/connections";
import type { MaskingPreviewCellDto, MaskingPreviewColumnDto, MaskingPreviewReasonDto } from "@/lib/shared/contracts/policies";
import { DETECTOR_INFO } from "./detector-info";

export type PreviewTable = { schema: string; name: string };
/** A column just given (or stripped of) a rule, `schema.table.column`; `nonce` tells one change from the next. */
export type PreviewHighlight = { column: string; nonce: number };

type MaskingPreviewProps = {
  connectionId: string;
  masking: MaskingPolicy;
  /** The draft's masking section has problems: the server would refuse it, so nothing is asked. */
  hasProblems: boolean;
  schema: SchemaDto | null;
  table: PreviewTable | null;
  onTableChange: (table: PreviewTable) => void;
  types: readonly SemanticTypeDefinition[];
  highlight?: PreviewHighlight | null;
};

const SAMPLE_ROWS = 10;
/** Long enough to type a pattern or a replacement without a read per keystroke. */
const DEBOUNCE_MS = 400;

const tableValue = (t: PreviewTable) => JSON.stringify([t.schema, t.name]);

/**
 * Sample rows of one table as the draft would mask them: read and masked on the server (the keyed hash
 * needs the installation key, and unmasked values must not reach the browser), again as the draft changes.
 */
export function MaskingPreview({ connectionId, masking, hasProblems, schema, table, onTableChange, types, highlight = null }: MaskingPreviewProps) {
  const draft = useDebouncedValue(masking, DEBOUNCE_MS);
  const preview = useMaskingPreview(connectionId, table && !hasProblems ? { masking: draft, table, limit: SAMPLE_ROWS } : null);
  const labelOf = (id: string) => types.find((t) => t.id === id)?.label ?? id;
  const tables = schema?.schemas.flatMap((s) => s.tables) ?? [];
  const data = preview.data;
  const isStale = preview.isPlaceholderData || (data !== undefined && table !== null && (data.table.schema !== table.schema || data.table.name !== table.name));
  const highlighted = highlight && data ? data.columns.findIndex((c) => c.sources.some((s) => s.toLowerCase() === highlight.column.toLowerCase())) : -1;
  const headers = useRef<(HTMLTableCellElement | null)[]>([]);
  const scrolledFor = useRef<number | null>(null);
  // Once the rows masked with the change are in, bring its column into view (the table scrolls sideways too).
  useEffect(() => {
    if (!highlight || highlighted < 0 || isStale || preview.isFetching || scrolledFor.current === highlight.nonce) return;
    scrolledFor.current = highlight.nonce;
    headers.current[highlighted]?.scrollIntoView({ block: "nearest", inline: "center", behavior: "smooth" });
  }, [highlight, highlighted, isStale, preview.isFetching]);

  return (
    <Card
      title="Preview"
      description="Sample rows from the target, masked on the server with this draft as a developer without an exemption would get them. Unmasked values never reach the browser."
      actions={
        preview.isFetching ? <Spinner size="sm" label="Updating…" /> : table && !hasProblems ? <Button size="sm" onClick={() => preview.refetch()}>Reload</Button> : null
      }
    >
      <div className="space-y-4">
        <Field label="Table" hint="Opening a table or choosing a column in the schema shows it here too." className="max-w-md">
          {(control) => (
            <Select
              {...control}
              value={table ? tableValue(table) : ""}
              disabled={tables.length === 0}
              onChange={(e) => {
                const [s, n] = JSON.parse(e.target.value) as [string, string];
                onTableChange({ schema: s, name: n });
              }}
            >
              {!table && <option value="">Choose a table</option>}
              {tables.map((t) => (
                <option key={`${t.schema}.${t.name}`} value={tableValue(t)}>
                  {`${t.schema}.${t.name}`}
                </option>
              ))}
            </Select>
          )}
        </Field>
        {hasProblems && (
          <Alert tone="warning">The masking settings have problems (shown next to them); the preview waits until they are fixed.</Alert>
        )}
        {preview.isError && !hasProblems && (
          <Alert tone="danger" actions={<Button size="sm" onClick={() => preview.refetch()}>Retry</Button>}>
            {preview.error.message}
          </Alert>
        )}
        {!table && <p className="text-sm text-slate-500">Choose a table to see how its rows would be masked.</p>}
        {table && !data && preview.isPending && !hasProblems && (
          <div className="space-y-2" aria-hidden>
            {[0, 1, 2, 3].map((i) => (
              <Skeleton key={i} className="h-6 w-full" />
            ))}
          </div>
        )}
        {data && (
          <div className={clsx("space-y-2 transition-opacity", isStale && "opacity-60")} aria-busy={preview.isFetching || undefined}>
            <p className="text-xs text-slate-500" role="note">
              {data.rows.length === 0 ? "The table has no rows." : `The first ${data.rows.length} ${data.rows.length === 1 ? "row" : "rows"} of ${data.table.schema}.${data.table.name}.`} Masked
              values are highlighted; hover one for the reason.
            </p>
            {/* Positioned, so the screen-reader-only text inside stays within the scroll box and does not widen the page. */}
            <div className="relative max-h-[28rem] overflow-auto rounded-md border border-slate-200">
              <table className="w-full text-left text-xs">
                <caption className="sr-only">{`Masked sample rows of ${data.table.schema}.${data.table.name}`}</caption>
                <thead className="sticky top-0 bg-slate-50 text-slate-500">
                  <tr>
                    {data.columns.map((c, i) => (
                      <th
                        key={i}
                        ref={(el) => {
                          headers.current[i] = el;
                        }}
                        scope="col"
                        className={clsx("px-3 py-1.5 align-bottom font-medium whitespace-nowrap", i === highlighted && "bg-brand-100 text-brand-900")}
                        title={c.sources.join(", ")}
                        data-highlighted={i === highlighted || undefined}
                      >
                        <span className="font-mono text-slate-800">{c.name}</span> <span className="font-normal text-slate-400">{c.type}</span>
                        {i === highlighted && <span className="sr-only"> (just changed)</span>}
                        <ColumnMasking column={c} labelOf={labelOf} />
                        {c.fitWarning && (
                          <span role="note" className="mt-1 block max-w-64 min-w-48 font-normal whitespace-normal text-amber-800">
                            <span aria-hidden>⚠ </span>
                            {c.fitWarning}
                          </span>
                        )}
                      </th>
                    ))}
                  </tr>
                </thead>
                <tbody className="divide-y divide-slate-100">
                  {data.rows.map((row, r) => (
                    <tr key={r} className="align-top">
                      {row.map((cell, c) => (
                        <PreviewCell key={c} cell={cell} labelOf={labelOf} isHighlighted={c === highlighted} />
                      ))}
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
          </div>
        )}
      </div>
    </Card>
  );
}

function ColumnMasking({ column, labelOf }: { column: MaskingPreviewColumnDto; labelOf: (id: string) => string }) {
  if (column.rule) {
    return (
      <span className="mt-0.5 block">
        <Badge tone="warning">{labelOf(column.rule.semanticType)}</Badge>{" "}
        <span className="font-normal text-slate-500">{column.rule.matchedBy === "column_rule" ? "rule" : `pattern ${column.rule.rule}`}</span>
      </span>
    );
  }
  if (column.isSearched) return <span className="mt-0.5 block font-normal text-slate-400">detectors</span>;
  return null;
}

function reasonText(reason: MaskingPreviewReasonDto, labelOf: (id: string) => string): string {
  if (reason.matchedBy === "detector") {
    const found = reason.detectors.map((d) => DETECTOR_INFO[d as keyof typeof DETECTOR_INFO]?.label ?? d).join(", ");
    return `Masked as ${reason.semanticTypes.map(labelOf).join(", ")}: found by ${found}`;
  }
  return `Masked as ${labelOf(reason.semanticType)}: ${reason.matchedBy === "column_rule" ? "column rule" : "name pattern"} ${reason.rule}`;
}

function PreviewCell({ cell, labelOf, isHighlighted }: { cell: MaskingPreviewCellDto; labelOf: (id: string) => string; isHighlighted: boolean }) {
  const reason = cell.masked ? reasonText(cell.masked, labelOf) : undefined;
  // Short values stay on one line, however narrow the table would like its columns; long ones wrap.
  const isLong = (cell.value?.length ?? 0) > 40;
  return (
    <td
      className={clsx(
        "px-3 py-1.5 font-mono text-slate-900",
        isLong ? "max-w-md min-w-64 break-words" : "whitespace-nowrap",
        cell.masked && "bg-amber-50",
        isHighlighted && "ring-2 ring-brand-300 ring-inset",
      )}
      title={reason}
      data-masked={cell.masked ? "true" : undefined}
    >
      {cell.value === null ? <span className="text-slate-400 italic">NULL</span> : cell.value}
      {reason && <span className="sr-only">{` (${reason})`}</span>}
    </td>
  );
}
