"use client";

import { useCallback, useMemo, useState } from "react";
import { isSameJson } from "@/lib/policy/diff-policy-documents";
import type { PolicyDocument } from "@/lib/policy/policy-document";
import { issuesByPath, validatePolicyDocument, type PolicyIssue } from "@/lib/policy/policy-issues";

export type PolicyDraft = {
  draft: PolicyDocument;
  /** Applies a change to a copy of the draft; `recipe` may mutate the copy it is given. */
  update: (recipe: (doc: PolicyDocument) => void) => void;
  replace: (doc: PolicyDocument) => void;
  isDirty: boolean;
  issues: PolicyIssue[];
  /** Messages keyed by JSON path ("guardrails.0.name"), for fields to show next to themselves. */
  errors: Record<string, string>;
};

/**
 * The document being edited, validated with the same schema the server uses on every change, so a
 * problem shows next to its field as it is made and Save is only offered for a document that will be
 * accepted. `saved` is the version the edit started from; the draft is dirty while it differs.
 */
export function usePolicyDraft(saved: PolicyDocument): PolicyDraft {
  const [draft, setDraft] = useState(saved);
  const update = useCallback((recipe: (doc: PolicyDocument) => void) => {
    setDraft((prev) => {
      const next = structuredClone(prev);
      recipe(next);
      return next;
    });
  }, []);
  const validation = useMemo(() => validatePolicyDocument(draft), [draft]);
  const errors = useMemo(() => issuesByPath(validation.issues), [validation]);
  const isDirty = useMemo(() => !isSameJson(draft, saved), [draft, saved]);
  return { draft, update, replace: setDraft, isDirty, issues: validation.issues, errors };
}

/** The messages under one path prefix ("guardrails.2"), for a badge on a collapsed rule. */
export function countIssuesUnder(errors: Record<string, string>, prefix: string): number {
  return Object.keys(errors).filter((path) => path === prefix || path.startsWith(`${prefix}.`)).length;
}

/** The first message at `path` or anywhere under it ("guardrails.0.match.relations.2" for the relations field). */
export function errorUnder(errors: Record<string, string>, path: string): string | undefined {
  return errors[path] ?? Object.entries(errors).find(([p]) => p.startsWith(`${path}.`))?.[1];
}
