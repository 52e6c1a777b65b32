import type { BlastRadiusDto } from "@/lib/shared/contracts/approvals";

const percent = (share: number) => `${Math.round(share * 1000) / 10}%`;
const count = (n: number) => n.toLocaleString("en-US");

/**
 * What a write held by the blast-radius guard changed, per table, when the gateway tried it and
 * rolled it back. Approved, it runs again and commits only if it changes no more than this.
 */
export function BlastRadiusTable({ radius }: { radius: BlastRadiusDto }) {
  const { limit } = radius;
  const limits = limit ? [limit.maxRowShare !== null && `more than ${percent(limit.maxRowShare)} of a table (past ${count(limit.minRows)} rows)`, limit.maxRows !== null && `more than ${count(limit.maxRows)} rows`].filter(Boolean) : [];
  return (
    <div className="space-y-1.5">
      <p className="text-xs text-slate-500">
        Rows it changed when tried (rolled back){limits.length > 0 && <> — the limit holds a write that changes {limits.join(" or ")}</>}. Approved, it runs again and commits only if it changes no more than this.
      </p>
      {/* Six columns of figures do not fit a phone: this table scrolls by itself, never the page. */}
      <div className="overflow-x-auto">
        <table aria-label="Rows changed per table" className="w-full text-left text-xs">
          <thead className="text-slate-500">
            <tr>
              <th className="py-1 pr-3 font-medium">Table</th>
              <th className="py-1 pr-3 text-right font-medium">Inserted</th>
              <th className="py-1 pr-3 text-right font-medium">Updated</th>
              <th className="py-1 pr-3 text-right font-medium">Deleted</th>
              <th className="py-1 pr-3 text-right font-medium">Rows before</th>
              <th className="py-1 text-right font-medium">Share</th>
            </tr>
          </thead>
          <tbody className="font-mono text-slate-800">
            {radius.tables.map((t) => (
              <tr key={t.relation} className="border-t border-slate-100">
                <td className="py-1 pr-3">{t.relation}</td>
                <td className="py-1 pr-3 text-right">{count(t.inserted)}</td>
                <td className="py-1 pr-3 text-right">{count(t.updated)}</td>
                <td className="py-1 pr-3 text-right">{count(t.deleted)}</td>
                <td className="py-1 pr-3 text-right">{count(t.tableRows)}</td>
                <td className="py-1 text-right">{percent(t.share)}</td>
              </tr>
            ))}
            {radius.exclusiveLocks.map((r) => (
              <tr key={`lock-${r}`} className="border-t border-slate-100">
                <td className="py-1 pr-3">{r}</td>
                <td colSpan={5} className="py-1 text-right font-sans text-rose-700">
                  truncated, dropped or altered inside the statement
                </td>
              </tr>
            ))}
            {radius.tables.length === 0 && radius.exclusiveLocks.length === 0 && (
              <tr>
                <td colSpan={6} className="py-1 font-sans text-slate-500">
                  Not measured: the statement commits or rolls back by itself, so it runs unguarded once approved.
                </td>
              </tr>
            )}
          </tbody>
        </table>
      </div>
    </div>
  );
}
