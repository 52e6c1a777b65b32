"use client";

import { ActorKindOptions, type PreviewActorKind } from "@/components/policy-preview/actor-kind-options";
import { useState, type FormEvent } from "react";
import { LineageVerdicts } from "@/components/policy-preview/lineage-verdicts";
import { ResultColumns } from "@/components/policy-preview/result-columns";
import { Alert } from "@/components/ui/alert";
import { Button } from "@/components/ui/button";
import { Card } from "@/components/ui/card";
import { Field } from "@/components/ui/field";
import { Select } from "@/components/ui/select";
import { Textarea } from "@/components/ui/textarea";
import { usePolicyPreview } from "@/lib/client/policies";
import type { MaskingPolicy } from "@/lib/policy/policy-document";

type LineageTryProps = {
  connectionId: string;
  masking: MaskingPolicy;
  /** The draft's masking section has problems: the server would refuse it. */
  hasProblems: boolean;
};

type ActorKind = PreviewActorKind;

/**
 * A statement's result columns under the DRAFT masking section: where each comes from on the target
 * and the mask it would get, and what the draft's lineage options do with the statement. The target
 * only describes the statement; nothing runs. The sender is in no group, so no exemption applies.
 */
export function LineageTry({ connectionId, masking, hasProblems }: LineageTryProps) {
  const [sql, setSql] = useState("select email, reverse(email) as reversed from customers");
  const [actorKind, setActorKind] = useState<ActorKind>("agent");
  const preview = usePolicyPreview();
  const result = preview.data;

  const submit = (event: FormEvent) => {
    event.preventDefault();
    if (!sql.trim() || hasProblems) return;
    preview.mutate({ connectionId, sql, actor: { userName: "policy editor preview", actorKind, groups: [] }, masking });
  };

  return (
    <Card title="Result columns of a statement" description="Where each column of a statement's result comes from, and the mask this draft gives it. The statement is described by the target, never run.">
      <form onSubmit={submit} className="space-y-3" noValidate aria-label="Result columns of a statement">
        <Field label="Statement" hint="One or more statements, as a client would send them.">
          {(control) => <Textarea {...control} rows={3} value={sql} onChange={(e) => setSql(e.target.value)} spellCheck={false} className="font-mono text-xs" />}
        </Field>
        <div className="flex flex-wrap items-end gap-3">
          <Field label="Sent by" className="min-w-40">
            {(control) => (
              <Select {...control} value={actorKind} onChange={(e) => setActorKind(e.target.value as ActorKind)}>
                <ActorKindOptions />
              </Select>
            )}
          </Field>
          <Button type="submit" isLoading={preview.isPending} disabled={hasProblems || !sql.trim()}>
            Trace columns
          </Button>
        </div>
        {hasProblems && <p className="text-xs text-amber-800">Fix the masking draft&apos;s problems to trace columns with it.</p>}
      </form>
      <div aria-live="polite" className="mt-4 space-y-3">
        {preview.isError && <Alert tone="danger" title="Could not trace it">{preview.error.message}</Alert>}
        {result?.parseError && <Alert tone="warning" title="The SQL does not parse">{result.parseError}</Alert>}
        {result?.lineage && <LineageVerdicts lineage={result.lineage} statementCount={result.statements.length} />}
        {result?.lineage?.status === "resolved" &&
          result.lineage.statements.map((s) => (
            <div key={s.statementIndex}>
              {result.statements.length > 1 && <p className="text-sm font-medium text-slate-800">Statement {s.statementIndex + 1}</p>}
              <ResultColumns lineage={s} />
            </div>
          ))}
      </div>
    </Card>
  );
}
