import type { SemanticTypeDefinition } from "@/lib/policy/masking";
import { exampleFor } from "./method-example";

/** "4111 1111 1111 1111 → **** **** **** 1111", computed in the browser with the gateway's library. */
export function MethodExampleLine({ type }: { type: Pick<SemanticTypeDefinition, "id" | "method" | "format"> }) {
  const example = exampleFor(type);
  return (
    <p className="flex flex-wrap items-baseline gap-x-2 gap-y-1 text-xs text-slate-600">
      <span className="sr-only">Example:</span>
      <code className="rounded bg-slate-100 px-1.5 py-0.5 font-mono text-slate-800">{example.input}</code>
      <span aria-hidden>→</span>
      <span className="sr-only">becomes</span>
      {example.kind === "masked" && <code className="rounded bg-amber-50 px-1.5 py-0.5 font-mono text-amber-900 ring-1 ring-amber-200 ring-inset">{example.output}</code>}
      {example.kind === "null" && <code className="font-mono text-slate-400 italic">NULL</code>}
      {example.kind === "hash" && (
        <>
          <code className="rounded bg-amber-50 px-1.5 py-0.5 font-mono text-amber-900 ring-1 ring-amber-200 ring-inset">h:················</code>
          <span className="text-slate-500">(an HMAC under the installation key, which only the server holds: see the preview)</span>
        </>
      )}
      {example.kind === "invalid" && <span className="text-slate-500">(fix the parameters to see an example)</span>}
    </p>
  );
}
