import clsx from "clsx";
import { Badge } from "@/components/ui/badge";
import type { PreviewColumnMaskDto, PreviewStatementLineageDto } from "@/lib/shared/contracts/policies";
import { describeColumnLineage, describeColumnMask } from "./describe-lineage";

/** As badges look, but wrapping: a mask's words can be longer than a phone's column. */
const MASK_STYLES: Record<PreviewColumnMaskDto["kind"], string> = {
  none: "bg-slate-100 text-slate-700 ring-slate-200",
  rule: "bg-amber-50 text-amber-800 ring-amber-200",
  transformed: "bg-amber-50 text-amber-800 ring-amber-200",
  undetermined: "bg-red-50 text-red-700 ring-red-200",
  detectors: "bg-brand-50 text-brand-700 ring-brand-100",
};

/**
 * A statement's result columns as lineage traced them on the target: where each comes from and the
 * mask the gateway would give it. Writes list where they copy to, and predicates what they test.
 */
export function ResultColumns({ lineage }: { lineage: PreviewStatementLineageDto }) {
  const { columns, copies, predicates } = lineage;
  return (
    <section aria-label="Column lineage" className="mt-4 space-y-3 border-t border-slate-100 pt-3">
      <h3 className="text-xs font-semibold tracking-wide text-slate-500 uppercase">Column lineage</h3>
      {lineage.undetermined && (
        <p className="rounded-md border border-amber-200 bg-amber-50 px-3 py-2 text-xs text-amber-900">
          <span className="font-semibold">Lineage cannot be determined:</span> {lineage.undetermined}
        </p>
      )}
      {lineage.describeError && <p className="text-xs text-slate-500">Column types unknown: {lineage.describeError}</p>}
      {columns === null ? (
        <p className="text-sm text-slate-500">This statement returns no rows.</p>
      ) : columns.length === 0 ? (
        <p className="text-sm text-slate-500">No columns.</p>
      ) : (
        <div className="overflow-x-auto rounded-md border border-slate-200">
          <table className="w-full text-left text-xs">
            <caption className="sr-only">Each column of the result, where it comes from, and its mask</caption>
            <thead className="bg-slate-50 text-slate-500">
              <tr>
                <th scope="col" className="px-3 py-1.5 font-medium">Column</th>
                <th scope="col" className="px-3 py-1.5 font-medium">Comes from</th>
                <th scope="col" className="px-3 py-1.5 font-medium">Mask</th>
              </tr>
            </thead>
            <tbody className="divide-y divide-slate-100">
              {columns.map((c, i) => (
                <tr key={i} className="align-top" data-testid="result-column">
                  <th scope="row" className="px-3 py-1.5 font-normal">
                    <span className="font-mono break-all text-slate-900">{c.isRest ? `${c.name} …` : c.name}</span>
                    {c.type && <span className="text-slate-400"> {c.type}</span>}
                    {c.isRest && <span className="block text-slate-500">and any further columns</span>}
                  </th>
                  <td className="px-3 py-1.5 [overflow-wrap:anywhere] text-slate-700">{describeColumnLineage(c.lineage)}</td>
                  <td className="px-3 py-1.5 [overflow-wrap:anywhere]">
                    <span className={clsx("inline-block rounded px-1.5 py-0.5 font-medium ring-1 ring-inset", MASK_STYLES[c.mask.kind])}>{describeColumnMask(c.mask)}</span>
                    {c.mask.kind === "rule" && <span className="mt-0.5 block text-slate-500">{c.mask.matchedBy === "column_rule" ? "column rule" : "name pattern"} {c.mask.rule}</span>}
                    {c.mask.kind === "detectors" && c.mask.detectors.length > 0 && <span className="mt-0.5 block text-slate-500">{c.mask.detectors.join(", ")}</span>}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      {copies.length > 0 && (
        <div className="text-xs text-slate-700">
          <p className="font-medium text-slate-500">Copies</p>
          <ul className="mt-0.5 list-disc pl-5">
            {copies.map((c, i) => (
              <li key={i}>
                into <span className="font-mono">{c.target}</span> from {c.sources.length ? <span className="font-mono">{c.sources.join(", ")}</span> : "no table column"}
                {c.maskedSources.length > 0 && <Badge tone="warning" className="ml-1.5">masked data</Badge>}
              </li>
            ))}
          </ul>
        </div>
      )}
      {predicates.some((p) => p.maskedSources.length > 0) && (
        <div className="text-xs text-slate-700">
          <p className="font-medium text-slate-500">Tests masked columns</p>
          <ul className="mt-0.5 list-disc pl-5">
            {predicates
              .filter((p) => p.maskedSources.length > 0)
              .map((p, i) => (
                <li key={i}>
                  {p.clause}: <span className="font-mono">{p.maskedSources.join(", ")}</span>
                </li>
              ))}
          </ul>
        </div>
      )}
    </section>
  );
}
