import clsx from "clsx";
import { SqlHighlight } from "@/components/player/sql-highlight";
import { Badge } from "@/components/ui/badge";
import { FLAG_LABELS, type StatementFlag } from "@/lib/policy/statement-flags";
import type { StatementKind } from "@/lib/policy/statement-kind";
import { KIND_LABELS, KIND_SHORT_LABELS } from "@/lib/policy/statement-kind-labels";
import type { PreviewStatementDto, PreviewStatementLineageDto } from "@/lib/shared/contracts/policies";
import { ResultColumns } from "./result-columns";

const relationName = (r: { schema: string | null; name: string }) => (r.schema ? `${r.schema}.${r.name}` : r.name);

type ClassifiedStatementProps = { statement: PreviewStatementDto; index: number; isDecisive: boolean; lineage?: PreviewStatementLineageDto };

/** One statement as the classifier sees it: kind, risk flags, tables read and written; and, when traced, its result columns' lineage and masks. */
export function ClassifiedStatement({ statement, index, isDecisive, lineage }: ClassifiedStatementProps) {
  const kind = statement.kind as StatementKind;
  const reads = statement.relations.filter((r) => r.access === "read");
  const writes = statement.relations.filter((r) => r.access === "write");
  return (
    <article aria-label={`Statement ${index + 1}`} className={clsx("rounded-lg border bg-white p-4 shadow-xs", isDecisive ? "border-brand-300 ring-1 ring-brand-200" : "border-slate-200")}>
      <header className="mb-2 flex flex-wrap items-center gap-2">
        <span className="text-sm font-semibold text-slate-900">Statement {index + 1}</span>
        {isDecisive && <Badge tone="brand">Decided the outcome</Badge>}
        <span className="ml-auto font-mono text-xs text-slate-500">{statement.command}</span>
      </header>
      <SqlHighlight sql={statement.sql} />
      <dl className="mt-3 grid gap-x-6 gap-y-2 text-sm sm:grid-cols-[8rem_1fr]">
        <dt className="text-slate-500">Kind</dt>
        <dd>
          <Badge tone={kind === "read" ? "neutral" : "warning"}>{KIND_SHORT_LABELS[kind] ?? statement.kind}</Badge>
          <span className="ml-2 text-slate-600">{KIND_LABELS[kind]}</span>
        </dd>
        <dt className="text-slate-500">Risk flags</dt>
        <dd className="flex flex-wrap gap-1.5">
          {statement.flags.length === 0 ? <span className="text-slate-400">None</span> : statement.flags.map((f) => <Badge key={f} tone="danger">{FLAG_LABELS[f as StatementFlag] ?? f}</Badge>)}
        </dd>
        <dt className="text-slate-500">Reads</dt>
        <dd className="font-mono text-xs leading-5 text-slate-700">{reads.length ? reads.map(relationName).join(", ") : <span className="font-sans text-slate-400">Nothing</span>}</dd>
        <dt className="text-slate-500">Writes</dt>
        <dd className="font-mono text-xs leading-5 text-slate-700">{writes.length ? writes.map(relationName).join(", ") : <span className="font-sans text-slate-400">Nothing</span>}</dd>
      </dl>
      {lineage && <ResultColumns lineage={lineage} />}
    </article>
  );
}
