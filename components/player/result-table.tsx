import clsx from "clsx";
import type { MaskedColumn, RecordedColumn } from "@/lib/shared/contracts/sessions";
import { describeMaskedColumn, isMaskedCell } from "./mask-reason";
import { pgTypeName } from "./pg-type-names";

type ResultTableProps = {
  columns: RecordedColumn[];
  rows: (string | null)[][];
  isTruncated: boolean;
  totalRows: number;
  maskedColumns?: MaskedColumn[] | null;
};

/**
 * The first rows of the statement's result as the gateway recorded them: the values the client was
 * allowed to see (masked where policy says, and marked so here), capped per policy in rows and bytes.
 */
export function ResultTable({ columns, rows, isTruncated, totalRows, maskedColumns }: ResultTableProps) {
  const masked = new Map((maskedColumns ?? []).map((m) => [m.index, m]));
  const labels = new Map([...masked].map(([i, m]) => [i, describeMaskedColumn(m)]));
  // Tooltips do not open on a phone: the columns masked by lineage are also named under the table.
  const explained = [...masked.values()].filter((m) => m.matchedBy === "lineage" || m.matchedBy === "undetermined");
  return (
    <div className="space-y-2">
      <p className="text-xs text-slate-500" role="note">
        {isTruncated
          ? `Truncated: showing ${rows.length.toLocaleString()} of ${totalRows.toLocaleString()} rows.`
          : `${rows.length.toLocaleString()} ${rows.length === 1 ? "row" : "rows"}.`}
        {masked.size > 0 && " Masked values are highlighted."}
      </p>
      <div className="max-h-96 overflow-auto rounded-md border border-slate-200">
        <table className="w-full text-left text-xs">
          <caption className="sr-only">Result rows</caption>
          <thead className="sticky top-0 bg-slate-50 text-slate-500">
            <tr>
              {columns.map((c, i) => {
                const label = labels.get(i);
                return (
                  <th key={i} scope="col" className="px-3 py-1.5 font-medium whitespace-nowrap" title={label ? label.sentence : pgTypeName(c.typeOid)}>
                    <span className="font-mono text-slate-800">{c.name}</span> <span className="font-normal text-slate-400">{pgTypeName(c.typeOid)}</span>
                    {label && (
                      <span className="ml-1.5 rounded bg-amber-100 px-1 py-px text-[10px] font-semibold text-amber-800 uppercase" data-testid="masked-column-marker">
                        {label.marker}
                        <span className="sr-only">, {label.sentence}</span>
                      </span>
                    )}
                  </th>
                );
              })}
            </tr>
          </thead>
          <tbody className="divide-y divide-slate-100">
            {rows.length === 0 && (
              <tr>
                <td colSpan={Math.max(columns.length, 1)} className="px-3 py-3 text-center text-slate-400">
                  No rows
                </td>
              </tr>
            )}
            {rows.map((row, r) => (
              <tr key={r} className="align-top">
                {row.map((value, c) => {
                  const label = isMaskedCell(masked.get(c), r) ? labels.get(c) : undefined;
                  return (
                    <td
                      key={c}
                      className={clsx("max-w-xs px-3 py-1.5 font-mono break-all text-slate-900", label && "bg-amber-50")}
                      title={label?.sentence}
                      data-masked={label ? masked.get(c)!.matchedBy : undefined}
                    >
                      {value === null ? <span className="text-slate-400 italic">NULL</span> : value}
                    </td>
                  );
                })}
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      {explained.length > 0 && (
        <ul aria-label="Masked by lineage" className="space-y-0.5 text-xs text-slate-600">
          {explained.map((m) => (
            <li key={m.index}>
              <span className="font-mono text-slate-800">{m.name}</span>: {labels.get(m.index)!.sentence}
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}
