import type { RecordedParam } from "@/lib/shared/contracts/sessions";
import { pgTypeName } from "./pg-type-names";

/** Bind parameters as the gateway decoded them: text as sent, binary as base64. */
export function ParamsTable({ params }: { params: RecordedParam[] }) {
  return (
    <div className="overflow-x-auto rounded-md border border-slate-200">
      <table className="w-full text-left text-xs">
        <caption className="sr-only">Bind parameters</caption>
        <thead className="bg-slate-50 text-slate-500">
          <tr>
            <th scope="col" className="w-12 px-3 py-1.5 font-medium">#</th>
            <th scope="col" className="w-28 px-3 py-1.5 font-medium">Type</th>
            <th scope="col" className="px-3 py-1.5 font-medium">Value</th>
          </tr>
        </thead>
        <tbody className="divide-y divide-slate-100">
          {params.map((p, i) => (
            <tr key={i} className="align-top">
              <th scope="row" className="px-3 py-1.5 font-mono font-semibold text-pink-700">${i + 1}</th>
              <td className="px-3 py-1.5 font-mono text-slate-600">
                {pgTypeName(p.typeOid)}
                {p.format === "binary" && <span className="ml-1 text-slate-400">(binary)</span>}
              </td>
              <td className="px-3 py-1.5 font-mono break-all whitespace-pre-wrap text-slate-900">
                {p.value === null ? <span className="text-slate-400 italic">NULL</span> : p.value}
                {p.format === "binary" && p.value !== null && <span className="ml-2 font-sans text-slate-400">base64</span>}
                {p.isTruncated && <span className="ml-2 font-sans text-amber-700">truncated</span>}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
