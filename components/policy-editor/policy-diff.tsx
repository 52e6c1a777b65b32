import clsx from "clsx";
import { Badge, type BadgeTone } from "@/components/ui/badge";
import type { PolicyDiffChange, PolicyDiffEntry } from "@/lib/policy/diff-policy-documents";
import { describePolicyDiff } from "./describe-policy-diff";
import type { MaskingDocs } from "./describe-masking-change";

const CHANGE: Record<PolicyDiffChange, { label: string; tone: BadgeTone; border: string }> = {
  added: { label: "Added", tone: "success", border: "border-l-emerald-400" },
  removed: { label: "Removed", tone: "danger", border: "border-l-red-400" },
  changed: { label: "Changed", tone: "warning", border: "border-l-amber-400" },
  moved: { label: "Moved", tone: "brand", border: "border-l-brand-400" },
};

/** A diff read rule by rule: each rule or setting that changed, with what happened to it. */
export function PolicyDiff({ entries, docs, emptyText = "No change: this version has the same document as the one before." }: { entries: readonly PolicyDiffEntry[]; docs?: MaskingDocs; emptyText?: string }) {
  const groups = describePolicyDiff(entries, docs);
  if (groups.length === 0) return <p className="text-sm text-slate-500">{emptyText}</p>;
  return (
    <ul aria-label="Changes" className="space-y-2">
      {groups.map((group) => {
        const change = CHANGE[group.change];
        return (
          <li key={group.key} className={clsx("rounded-md border border-l-4 border-slate-200 bg-white px-3 py-2", change.border)}>
            <div className="flex flex-wrap items-center gap-2">
              <Badge tone={change.tone}>{change.label}</Badge>
              <span className="text-sm font-medium text-slate-900">{group.title}</span>
            </div>
            <ul className="mt-1 space-y-0.5 text-sm text-slate-600">
              {group.lines.map((line, i) => (
                <li key={i}>
                  {line.field && <code className="mr-1.5 font-mono text-xs text-slate-800">{line.field}</code>}
                  {line.text}
                </li>
              ))}
            </ul>
          </li>
        );
      })}
    </ul>
  );
}
