/** A JSON value as people read it: strings bare, absent as a dash, objects and arrays pretty-printed. */
export function JsonValue({ value }: { value: unknown }) {
  if (value === undefined) return <span className="text-slate-400">—</span>;
  if (value === null) return <span className="text-slate-400 italic">null</span>;
  if (typeof value === "string") return <span className="break-all whitespace-pre-wrap">{value}</span>;
  if (typeof value === "object") return <pre className="font-mono text-xs break-all whitespace-pre-wrap">{JSON.stringify(value, null, 2)}</pre>;
  return <span>{String(value)}</span>;
}

export function JsonBlock({ value, label }: { value: unknown; label: string }) {
  return (
    <pre aria-label={label} className="max-h-80 overflow-auto rounded-md border border-slate-200 bg-slate-50 p-3 font-mono text-xs whitespace-pre-wrap text-slate-800">
      {value === undefined ? "—" : JSON.stringify(value, null, 2)}
    </pre>
  );
}
