"use client";

import { useId, useMemo, useRef, useState } from "react";
import { Button } from "@/components/ui/button";
import { Card } from "@/components/ui/card";
import { Textarea } from "@/components/ui/textarea";
import type { PolicyDocument } from "@/lib/policy/policy-document";
import { validatePolicyDocument } from "@/lib/policy/policy-issues";
import { indexJsonPositions, lineOfOffset, offsetOfPath, offsetOfSyntaxError } from "./locate-json-path";

type Problem = { path: string | null; message: string; offset: number | null };

type RawJsonEditorProps = {
  draft: PolicyDocument;
  /** Called with every edit that is a valid policy, so the other tabs and Save see it at once. */
  onApply: (doc: PolicyDocument) => void;
};

function check(text: string): { problems: Problem[]; document?: PolicyDocument } {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (err) {
    const message = (err as Error).message;
    return { problems: [{ path: null, message: `Not valid JSON: ${message.replace(/\s*\(line \d+ column \d+\)/, "")}`, offset: offsetOfSyntaxError(message, text) }] };
  }
  const result = validatePolicyDocument(parsed);
  if (result.isValid) return { problems: [], document: result.document };
  const positions = indexJsonPositions(text);
  return { problems: result.issues.map((issue) => ({ path: issue.path, message: issue.message, offset: offsetOfPath(positions, issue.path) })) };
}

/**
 * The whole document as JSON, for power users. Each edit is checked against the policy schema as it
 * is typed; problems are listed with their line and path, and a click puts the cursor on the spot.
 * Mounted when its tab opens, so it always starts from the current draft.
 */
export function RawJsonEditor({ draft, onApply }: RawJsonEditorProps) {
  const [text, setText] = useState(() => JSON.stringify(draft, null, 2));
  const { problems } = useMemo(() => check(text), [text]);
  const area = useRef<HTMLTextAreaElement>(null);
  const id = useId();

  const edit = (next: string) => {
    setText(next);
    const result = check(next);
    if (result.document) onApply(result.document);
  };
  const jumpTo = (offset: number) => {
    const el = area.current;
    if (!el) return;
    el.focus();
    el.setSelectionRange(offset, offset);
    // Put the line in view: browsers scroll a textarea to its caret only on some focus changes.
    const lineHeight = parseFloat(getComputedStyle(el).lineHeight) || 18;
    el.scrollTop = Math.max(0, (lineOfOffset(el.value, offset) - 3) * lineHeight);
  };

  return (
    <Card
      title="Raw JSON"
      description="The document exactly as saved. Valid edits apply to the other tabs at once; leaving this tab drops text that is not valid."
      actions={
        <Button size="sm" onClick={() => edit(JSON.stringify(JSON.parse(text), null, 2))} disabled={problems.some((p) => p.path === null)}>
          Format
        </Button>
      }
    >
      <label htmlFor={`${id}-json`} className="sr-only">
        Policy document (JSON)
      </label>
      <Textarea
        ref={area}
        id={`${id}-json`}
        value={text}
        onChange={(e) => edit(e.target.value)}
        rows={28}
        spellCheck={false}
        autoCapitalize="off"
        autoComplete="off"
        aria-invalid={problems.length > 0 || undefined}
        aria-describedby={`${id}-status`}
        className="font-mono text-xs leading-relaxed"
      />
      <div id={`${id}-status`} aria-live="polite" className="mt-3">
        {problems.length === 0 ? (
          <p className="text-sm font-medium text-emerald-700">Valid policy document.</p>
        ) : (
          <div className="rounded-md border border-red-200 bg-red-50 p-3">
            <p className="text-sm font-semibold text-red-800">
              {problems.length === 1 ? "1 problem" : `${problems.length} problems`}; the other tabs keep the last valid document.
            </p>
            <ul className="mt-2 space-y-1">
              {problems.map((p, i) => (
                <li key={`${p.path}-${i}`} className="text-sm text-red-800">
                  {p.offset !== null ? (
                    <button type="button" onClick={() => jumpTo(p.offset!)} className="rounded text-left underline-offset-2 hover:underline focus-visible:outline-none focus-visible:ring-2 focus-visible:ring-red-500">
                      <span className="font-semibold">Line {lineOfOffset(text, p.offset)}</span>{" "}
                      {p.path && (
                        <>
                          <code className="font-mono text-xs">{p.path}</code>{" "}
                        </>
                      )}
                      {p.message}
                    </button>
                  ) : (
                    <span>
                      {p.path && <code className="font-mono text-xs">{p.path}</code>} {p.message}
                    </span>
                  )}
                </li>
              ))}
            </ul>
          </div>
        )}
      </div>
    </Card>
  );
}
