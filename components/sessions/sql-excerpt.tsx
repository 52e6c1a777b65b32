import { splitMatches } from "@/lib/shared/highlight-matches";

type SqlExcerptProps = { excerpt: string; query: string; isCutBefore: boolean; isCutAfter: boolean };

/** The SQL around a search match, with every match marked (<mark>, no HTML built from the SQL). */
export function SqlExcerpt({ excerpt, query, isCutBefore, isCutAfter }: SqlExcerptProps) {
  return (
    <code className="block font-mono text-xs break-all whitespace-pre-wrap text-slate-800">
      {isCutBefore && <span className="text-slate-400">…</span>}
      {splitMatches(excerpt, query).map((part, i) =>
        part.isMatch ? (
          <mark key={i} className="rounded-sm bg-amber-200 px-0.5 text-slate-900">
            {part.text}
          </mark>
        ) : (
          <span key={i}>{part.text}</span>
        ),
      )}
      {isCutAfter && <span className="text-slate-400">…</span>}
    </code>
  );
}
