import clsx from "clsx";
import { diffRecords, type DiffChange } from "./diff-records";
import { JsonBlock, JsonValue } from "./json-value";

const ROW_TONES: Record<DiffChange, string> = {
  changed: "bg-amber-50",
  added: "bg-emerald-50",
  removed: "bg-red-50",
  unchanged: "",
};

const MARKS: Record<DiffChange, { sign: string; label: string; className: string }> = {
  changed: { sign: "~", label: "changed", className: "text-amber-700" },
  added: { sign: "+", label: "added", className: "text-emerald-700" },
  removed: { sign: "−", label: "removed", className: "text-red-700" },
  unchanged: { sign: "", label: "unchanged", className: "" },
};

/** Before and after side by side, one row per field, with the fields that changed highlighted. */
export function AuditDiff({ before, after }: { before: unknown; after: unknown }) {
  const rows = diffRecords(before, after);
  if (!rows) {
    return (
      <div className="grid grid-cols-1 gap-3 md:grid-cols-2">
        <JsonBlock label="Before" value={before} />
        <JsonBlock label="After" value={after} />
      </div>
    );
  }
  const changed = rows.filter((r) => r.change !== "unchanged").length;
  return (
    <div>
      <p className="mb-2 text-xs text-slate-500">
        {changed === 0 ? "No field changed." : `${changed} ${changed === 1 ? "field" : "fields"} changed.`}
      </p>
      <div className="overflow-x-auto rounded-md border border-slate-200">
        <table className="w-full table-fixed text-left text-sm">
          <caption className="sr-only">Changes, field by field</caption>
          <thead className="bg-slate-50 text-xs text-slate-500">
            <tr>
              <th scope="col" className="w-6 px-2 py-1.5">
                <span className="sr-only">Change</span>
              </th>
              <th scope="col" className="w-44 px-2 py-1.5 font-medium">Field</th>
              <th scope="col" className="px-2 py-1.5 font-medium">Before</th>
              <th scope="col" className="px-2 py-1.5 font-medium">After</th>
            </tr>
          </thead>
          <tbody className="divide-y divide-slate-100">
            {rows.map((row) => {
              const mark = MARKS[row.change];
              return (
                <tr key={row.key} className={clsx("align-top", ROW_TONES[row.change])}>
                  <td className={clsx("px-2 py-1.5 text-center font-mono font-semibold", mark.className)}>
                    <span aria-hidden>{mark.sign}</span>
                    <span className="sr-only">{mark.label}</span>
                  </td>
                  <th scope="row" className={clsx("px-2 py-1.5 font-mono text-xs", row.change === "unchanged" ? "font-normal text-slate-500" : "font-semibold text-slate-900")}>
                    {row.key}
                  </th>
                  <td className={clsx("px-2 py-1.5 text-xs", row.change === "changed" || row.change === "removed" ? "text-red-800" : "text-slate-600")}>
                    <JsonValue value={row.before} />
                  </td>
                  <td className={clsx("px-2 py-1.5 text-xs", row.change === "changed" || row.change === "added" ? "text-emerald-800" : "text-slate-600")}>
                    <JsonValue value={row.after} />
                  </td>
                </tr>
              );
            })}
          </tbody>
        </table>
      </div>
    </div>
  );
}
