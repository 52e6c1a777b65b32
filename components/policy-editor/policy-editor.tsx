"use client";

import { useMemo, useState } from "react";
import { Alert } from "@/components/ui/alert";
import { Badge } from "@/components/ui/badge";
import { Button } from "@/components/ui/button";
import { ConfirmDialog } from "@/components/ui/confirm-dialog";
import { PageHeader } from "@/components/ui/page-header";
import { TabList, TabPanel, type TabItem } from "@/components/ui/tabs";
import { DateTime } from "@/components/ui/date-time";
import { useIsClient } from "@/components/ui/use-is-client";
import { ApiRequestError } from "@/lib/client/api";
import { useCurrentPolicy, useSavePolicy } from "@/lib/client/policies";
import { diffPolicyDocuments } from "@/lib/policy/diff-policy-documents";
import { findMatchAllRules } from "@/lib/policy/match-all-rules";
import type { CurrentPolicyDto } from "@/lib/shared/contracts/policies";
import { ApprovalRuleFields } from "./approval-rule-fields";
import { BlastRadiusRuleFields } from "./blast-radius-rule-fields";
import { GuardrailFields } from "./guardrail-fields";
import { MaskingEditor } from "./masking";
import { newApprovalRule, newBlastRadiusRule, newGuardrail } from "./new-rules";
import type { PolicyEditorTab } from "./policy-editor-tabs";
import { PolicyHistory } from "./policy-history";
import { RawJsonEditor } from "./raw-json-editor";
import { RulesSection } from "./rules-section";
import { SavePolicyDialog } from "./save-policy-dialog";
import { SettingsSection } from "./settings-section";
import { usePolicyDraft } from "./use-policy-draft";
import { useUnsavedChangesGuard } from "./use-unsaved-changes-guard";

const TABS: TabItem<PolicyEditorTab>[] = [
  { key: "rules", label: "Rules" },
  { key: "settings", label: "Settings" },
  { key: "masking", label: "Masking" },
  { key: "raw", label: "Raw JSON" },
  { key: "history", label: "History" },
];

type PolicyEditorProps = { connection: { id: string; name: string }; initialPolicy: CurrentPolicyDto; initialTab: PolicyEditorTab };

/**
 * A connection's policy: guardrails and approval rules (in the order the gateway tries them), the
 * connection-wide settings, masking, the raw document, and its history. Edits stay in a draft until
 * saved, with a comment, as the next version.
 */
export function PolicyEditor({ connection, initialPolicy, initialTab }: PolicyEditorProps) {
  const { data: current = initialPolicy } = useCurrentPolicy(connection.id, initialPolicy);
  const { draft, update, replace, isDirty, issues, errors } = usePolicyDraft(current.document);
  const save = useSavePolicy(connection.id);
  const [tab, setTab] = useState(initialTab);
  const [isSaving, setSaving] = useState(false);
  const [savedNote, setSavedNote] = useState<string | null>(null);
  // Bumped when the draft is replaced from outside the raw view (discard, save), so it restarts from it.
  const [resetCount, setResetCount] = useState(0);
  const resetTo = (doc: CurrentPolicyDto["document"]) => {
    replace(doc);
    setResetCount((n) => n + 1);
  };
  const isClient = useIsClient();
  const changeCount = useMemo(() => (isDirty ? diffPolicyDocuments(current.document, draft).length : 0), [isDirty, current.document, draft]);

  const matchAllRules = useMemo(() => findMatchAllRules(draft), [draft]);
  const matchAllWarnings = useMemo(() => Object.fromEntries(matchAllRules.map((r) => [r.path, r.message])), [matchAllRules]);
  // Leaving with unsaved changes loses them: ask first, for links and Back inside the console too.
  const guard = useUnsavedChangesGuard(isDirty);

  const selectTab = (next: PolicyEditorTab) => {
    setTab(next);
    window.history.replaceState(null, "", next === "rules" ? window.location.pathname : `?tab=${next}`);
  };

  const submit = (comment: string, confirmMatchAll: boolean) =>
    save.mutate(
      { document: draft, comment, baseVersion: current.version, confirmMatchAll },
      {
        onSuccess: (saved) => {
          resetTo(saved.document);
          setSaving(false);
          setSavedNote(`Saved as version ${saved.version}.`);
        },
      },
    );

  const saveError = save.error instanceof ApiRequestError ? save.error : null;
  const { comment: commentError, ...documentErrors } = saveError?.fieldErrors ?? {};
  const serverProblems = Object.entries(documentErrors).map(([path, message]) => `${path}: ${message}`);

  return (
    <>
      <PageHeader
        back={{ href: `/connections/${connection.id}`, label: connection.name }}
        title="Policy"
        description={
          current.isDefault ? (
            "The default policy: no version has been saved for this connection yet."
          ) : (
            <>
              Version {current.version}, saved by {current.author}
              {isClient && current.createdAt && (
                <>
                  {" "}
                  <DateTime value={current.createdAt} isRelative />
                </>
              )}
              {current.comment && <> · “{current.comment}”</>}
            </>
          )
        }
        actions={
          <>
            {isDirty && (
              <Badge tone="warning">
                {changeCount === 1 ? "1 unsaved change" : `${changeCount} unsaved changes`}
              </Badge>
            )}
            <Button onClick={() => resetTo(current.document)} disabled={!isDirty}>
              Discard changes
            </Button>
            <Button
              variant="primary"
              onClick={() => {
                save.reset();
                setSaving(true);
              }}
              disabled={!isDirty || issues.length > 0}
            >
              Save…
            </Button>
          </>
        }
      />
      {issues.length > 0 && (
        <Alert tone="warning" className="mb-5" title={issues.length === 1 ? "1 problem to fix before saving" : `${issues.length} problems to fix before saving`}>
          Each is shown next to its field{tab === "raw" ? " and listed under the JSON" : "; rules with problems are marked"}.
        </Alert>
      )}
      {savedNote !== null && !isDirty && (
        <Alert tone="success" className="mb-5">
          {savedNote}
        </Alert>
      )}

      <TabList label="Policy" idPrefix="policy" tabs={TABS} selected={tab} onSelect={selectTab} />
      <TabPanel idPrefix="policy" tabKey="rules" isSelected={tab === "rules"}>
        <div className="max-w-4xl space-y-5">
          <RulesSection
            title="Guardrails"
            description="Statements a guardrail matches are blocked with its message. The first matching guardrail decides; they are tried before approval rules."
            noun="Guardrail"
            rules={draft.guardrails}
            path="guardrails"
            errors={errors}
            onChange={(guardrails) => update((d) => void (d.guardrails = guardrails))}
            create={newGuardrail}
            renderFields={(rule, onChange, path) => <GuardrailFields rule={rule} onChange={onChange} path={path} errors={errors} />}
            matchAllWarnings={matchAllWarnings}
          />
          <RulesSection
            title="Approval rules"
            description="Statements an approval rule matches wait until reviewers approve them. The first matching rule decides."
            noun="Approval rule"
            rules={draft.approvals}
            path="approvals"
            errors={errors}
            onChange={(approvals) => update((d) => void (d.approvals = approvals))}
            create={newApprovalRule}
            renderFields={(rule, onChange, path) => <ApprovalRuleFields rule={rule} onChange={onChange} path={path} errors={errors} />}
            matchAllWarnings={matchAllWarnings}
          />
          <RulesSection
            title="Blast-radius limits"
            description="A write the policy lets through runs inside a savepoint; when it changes more than a share of a table's rows, or more rows than the limit, the gateway rolls it back and holds it for reviewers with the counts. The first matching limit applies."
            noun="Blast-radius limit"
            rules={draft.blastRadius}
            path="blastRadius"
            errors={errors}
            onChange={(blastRadius) => update((d) => void (d.blastRadius = blastRadius))}
            create={newBlastRadiusRule}
            renderFields={(rule, onChange, path) => <BlastRadiusRuleFields rule={rule} onChange={onChange} path={path} errors={errors} />}
          />
        </div>
      </TabPanel>
      <TabPanel idPrefix="policy" tabKey="settings" isSelected={tab === "settings"}>
        <SettingsSection draft={draft} update={update} errors={errors} />
      </TabPanel>
      <TabPanel idPrefix="policy" tabKey="masking" isSelected={tab === "masking"}>
        <MaskingEditor
          connectionId={connection.id}
          isActive={tab === "masking"}
          masking={draft.masking}
          onChange={(masking) => update((d) => void (d.masking = masking))}
          errors={errors}
        />
      </TabPanel>
      <TabPanel idPrefix="policy" tabKey="raw" isSelected={tab === "raw"}>
        {/* Mounted only while open, so it starts from the draft as the other tabs left it. */}
        {tab === "raw" && <RawJsonEditor key={resetCount} draft={draft} onApply={replace} />}
      </TabPanel>
      <TabPanel idPrefix="policy" tabKey="history" isSelected={tab === "history"}>
        {tab === "history" && (
          <PolicyHistory
            connectionId={connection.id}
            currentVersion={current.version}
            hasUnsavedChanges={isDirty}
            onRestored={(saved, from) => {
              resetTo(saved.document);
              setSavedNote(`Restored version ${from} as version ${saved.version}.`);
            }}
          />
        )}
      </TabPanel>

      {isSaving && (
        <SavePolicyDialog
          nextVersion={current.version + 1}
          changeCount={changeCount}
          isPending={save.isPending}
          error={save.error ? [save.error.message, ...serverProblems].join(" ") : undefined}
          commentError={commentError}
          matchAllRules={matchAllRules}
          onSave={submit}
          onCancel={() => setSaving(false)}
        />
      )}
      <ConfirmDialog
        isOpen={guard.pending !== null}
        title="Leave without saving?"
        description={`${changeCount === 1 ? "1 change to the policy is" : `${changeCount} changes to the policy are`} not saved. Leaving loses ${changeCount === 1 ? "it" : "them"}.`}
        confirmLabel="Leave without saving"
        onConfirm={guard.leave}
        onCancel={guard.stay}
      />
    </>
  );
}
