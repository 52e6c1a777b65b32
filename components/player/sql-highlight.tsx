import clsx from "clsx";
import { useMemo } from "react";
import { tokenizeSql, type SqlTokenType } from "./sql-tokens";

const TOKEN_CLASSES: Partial<Record<SqlTokenType, string>> = {
  keyword: "font-semibold text-violet-700",
  string: "text-emerald-700",
  number: "text-amber-700",
  comment: "italic text-slate-400",
  "quoted-identifier": "text-sky-700",
  parameter: "font-semibold text-pink-700",
  operator: "text-slate-500",
  punctuation: "text-slate-500",
};

/** Beyond this, colouring is not worth the thousands of spans: the text is shown plain. */
const MAX_HIGHLIGHTED_CHARS = 50_000;

/** SQL with syntax colours; the text itself (what copy and assistive technology get) is unchanged. */
export function SqlHighlight({ sql, className }: { sql: string; className?: string }) {
  const tokens = useMemo(() => (sql.length <= MAX_HIGHLIGHTED_CHARS ? tokenizeSql(sql) : null), [sql]);
  return (
    <pre className={clsx("max-h-80 overflow-auto rounded-md border border-slate-200 bg-slate-50 p-3 font-mono text-xs leading-relaxed whitespace-pre-wrap break-words text-slate-900", className)}>
      <code>
        {tokens
          ? tokens.map((t, i) => {
              const cls = TOKEN_CLASSES[t.type];
              return cls ? (
                <span key={i} className={cls}>
                  {t.text}
                </span>
              ) : (
                t.text
              );
            })
          : sql}
      </code>
    </pre>
  );
}
