"use client";

import { ActorKindOptions, type PreviewActorKind } from "@/components/policy-preview/actor-kind-options";
import Link from "next/link";
import { useState, type FormEvent } from "react";
import { Alert } from "@/components/ui/alert";
import { Button } from "@/components/ui/button";
import { Card } from "@/components/ui/card";
import { Field } from "@/components/ui/field";
import { NamedOptions } from "@/components/ui/filter-fields";
import { Input } from "@/components/ui/input";
import { ListInput } from "@/components/ui/list-input";
import { Select } from "@/components/ui/select";
import { Textarea } from "@/components/ui/textarea";
import { usePolicyPreview } from "@/lib/client/policies";
import { issuesByPath, policyIssuesOf } from "@/lib/policy/policy-issues";
import { policyPreviewInput } from "@/lib/shared/contracts/policies";
import { ClassifiedStatement } from "./classified-statement";
import { DecisionSummary } from "./decision-summary";
import { LineageVerdicts } from "./lineage-verdicts";

export type PreviewConnectionOption = { id: string; name: string };

type PolicyPreviewProps = {
  connections: PreviewConnectionOption[];
  initialActor: { userName: string; groups: string[] };
  canEditPolicies: boolean;
};

type ActorKind = PreviewActorKind;
type PreviewForm = { connectionId: string; sql: string; actor: { userName: string; actorKind: ActorKind; agentName: string; groups: string[]; applicationName: string } };


/** Paste SQL, say who would send it where, and see how it is classified and what the policy in force would do. */
export function PolicyPreview({ connections, initialActor, canEditPolicies }: PolicyPreviewProps) {
  const [form, setForm] = useState<PreviewForm>({
    connectionId: connections[0]?.id ?? "",
    sql: "",
    actor: { userName: initialActor.userName, actorKind: "human", agentName: "", groups: initialActor.groups, applicationName: "" },
  });
  const [errors, setErrors] = useState<Record<string, string>>({});
  const preview = usePolicyPreview();
  const setActor = (patch: Partial<PreviewForm["actor"]>) => setForm((f) => ({ ...f, actor: { ...f.actor, ...patch } }));

  const submit = (event: FormEvent) => {
    event.preventDefault();
    const input = { ...form, actor: { ...form.actor, agentName: form.actor.actorKind === "agent" ? form.actor.agentName : "" } };
    const parsed = policyPreviewInput.safeParse(input);
    if (!parsed.success) {
      setErrors(issuesByPath(policyIssuesOf(parsed.error)));
      return;
    }
    setErrors({});
    preview.mutate(parsed.data);
  };

  if (connections.length === 0) {
    return <Alert tone="info">There are no connections yet; a policy belongs to a connection.</Alert>;
  }
  const result = preview.data;
  return (
    <div className="grid grid-cols-1 gap-6 xl:grid-cols-[minmax(0,28rem)_minmax(0,1fr)]">
      <Card title="Statement and sender">
        <form onSubmit={submit} className="space-y-4" noValidate>
          <Field label="Connection" error={errors.connectionId}>
            {(control) => (
              <Select {...control} value={form.connectionId} onChange={(e) => setForm((f) => ({ ...f, connectionId: e.target.value }))}>
                <NamedOptions items={connections} />
              </Select>
            )}
          </Field>
          <Field label="SQL" hint="One or more statements, as a client would send them." error={errors.sql}>
            {(control) => (
              <Textarea
                {...control}
                rows={7}
                value={form.sql}
                onChange={(e) => setForm((f) => ({ ...f, sql: e.target.value }))}
                spellCheck={false}
                placeholder="update orders set status = 'paid' where id = 1"
                className="font-mono text-xs"
              />
            )}
          </Field>
          <fieldset className="space-y-4">
            <legend className="text-sm font-semibold text-slate-900">Sent by</legend>
            <div className="grid gap-4 sm:grid-cols-2">
              <Field label="User" error={errors["actor.userName"]}>
                {(control) => <Input {...control} type="email" value={form.actor.userName} onChange={(e) => setActor({ userName: e.target.value })} />}
              </Field>
              <Field label="Actor kind" error={errors["actor.actorKind"]}>
                {(control) => (
                  <Select {...control} value={form.actor.actorKind} onChange={(e) => setActor({ actorKind: e.target.value as ActorKind })}>
                    <ActorKindOptions />
                  </Select>
                )}
              </Field>
              {form.actor.actorKind === "agent" && (
                <Field label="Agent name" error={errors["actor.agentName"]}>
                  {(control) => <Input {...control} value={form.actor.agentName} onChange={(e) => setActor({ agentName: e.target.value })} placeholder="claude-code" />}
                </Field>
              )}
              <Field label="Groups" hint="Comma-separated" error={errors["actor.groups"]}>
                {(control) => <ListInput {...control} value={form.actor.groups} onChange={(groups) => setActor({ groups })} />}
              </Field>
              <Field label="Application name" error={errors["actor.applicationName"]}>
                {(control) => <Input {...control} value={form.actor.applicationName} onChange={(e) => setActor({ applicationName: e.target.value })} placeholder="psql" />}
              </Field>
            </div>
          </fieldset>
          <Button type="submit" variant="primary" isLoading={preview.isPending}>
            Check
          </Button>
        </form>
      </Card>

      <section aria-label="Result" aria-live="polite" className="min-w-0 space-y-4">
        {preview.isError && <Alert tone="danger" title="Could not check it">{preview.error.message}</Alert>}
        {!result && !preview.isError && (
          <Card>
            <p className="text-sm text-slate-500">The classification of each statement, the policy&apos;s decision, and each result column&apos;s sources and mask appear here. The statement is never run: the target only describes it.</p>
          </Card>
        )}
        {result && (
          <>
            <DecisionSummary
              decision={result.decision}
              statementCount={result.statements.length}
              isDecidedByLineage={result.lineage?.status === "resolved" && result.lineage.verdicts.length > 0}
            />
            {result.lineage && <LineageVerdicts lineage={result.lineage} statementCount={result.statements.length} />}
            <p className="text-sm text-slate-500">
              Evaluated against {result.policyVersion === 0 ? "the default policy" : `version ${result.policyVersion} of the policy`} of{" "}
              {canEditPolicies ? (
                <Link href={`/connections/${form.connectionId}/policy`} className="font-medium text-brand-700 hover:underline">
                  {result.connectionName}
                </Link>
              ) : (
                <span className="font-medium text-slate-700">{result.connectionName}</span>
              )}
              . Time-boxed grants are not considered.
            </p>
            {result.parseError && (
              <Alert tone="warning" title="The SQL does not parse">
                <span className="font-mono text-xs">{result.parseError}</span>
              </Alert>
            )}
            <div className="space-y-3">
              {result.statements.map((s, i) => (
                <ClassifiedStatement
                  key={i}
                  statement={s}
                  index={i}
                  isDecisive={result.decision.action !== "forward" && result.decision.statementIndex === i}
                  lineage={result.lineage?.status === "resolved" ? result.lineage.statements.find((l) => l.statementIndex === i) : undefined}
                />
              ))}
            </div>
          </>
        )}
      </section>
    </div>
  );
}
