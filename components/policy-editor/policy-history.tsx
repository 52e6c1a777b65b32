"use client";

import clsx from "clsx";
import { useMemo, useState } from "react";
import { Alert } from "@/components/ui/alert";
import { Button } from "@/components/ui/button";
import { Card } from "@/components/ui/card";
import { EmptyState } from "@/components/ui/empty-state";
import { Field } from "@/components/ui/field";
import { Select } from "@/components/ui/select";
import { Skeleton } from "@/components/ui/skeleton";
import { Spinner } from "@/components/ui/spinner";
import { DateTime } from "@/components/ui/date-time";
import { usePolicyVersion, usePolicyVersions } from "@/lib/client/policies";
import { diffPolicyDocuments } from "@/lib/policy/diff-policy-documents";
import type { PolicyVersionDto, PolicyVersionSummaryDto } from "@/lib/shared/contracts/policies";
import { PolicyDiff } from "./policy-diff";
import { RestoreVersionDialog } from "./restore-version-dialog";

type PolicyHistoryProps = {
  connectionId: string;
  /** The version in force: restoring it would change nothing. */
  currentVersion: number;
  /** A restore replaces the policy under the draft, so it waits until the draft is saved or discarded. */
  hasUnsavedChanges: boolean;
  onRestored: (saved: PolicyVersionDto, from: number) => void;
};

/**
 * Every saved version (who, when, why) and, for the one picked, what changed compared with another
 * version (the one before it, unless another is chosen), with a way to restore it as a new version.
 */
export function PolicyHistory({ connectionId, currentVersion, hasUnsavedChanges, onRestored }: PolicyHistoryProps) {
  const versions = usePolicyVersions(connectionId);
  const [picked, setPicked] = useState<number | undefined>();
  const selected = picked ?? versions.data?.[0]?.version;

  if (versions.isError) {
    return (
      <Alert tone="danger" title="Could not load the history" actions={<Button size="sm" onClick={() => versions.refetch()}>Retry</Button>}>
        {versions.error.message}
      </Alert>
    );
  }
  if (versions.data?.length === 0) {
    return (
      <Card>
        <EmptyState title="No saved versions" description="This connection runs the default policy. Saving creates version 1." />
      </Card>
    );
  }
  return (
    <div className="grid grid-cols-1 gap-5 lg:grid-cols-[minmax(0,22rem)_minmax(0,1fr)]">
      <Card title="Versions" isPadded={false}>
        {!versions.data ? (
          <div className="space-y-3 p-4" aria-busy>
            {[0, 1, 2].map((i) => (
              <Skeleton key={i} className="h-10" />
            ))}
          </div>
        ) : (
          <ul aria-label="Policy versions" className="divide-y divide-slate-100">
            {versions.data.map((v) => (
              <li key={v.version}>
                <VersionButton version={v} isCurrent={v.version === currentVersion} isSelected={v.version === selected} onSelect={() => setPicked(v.version)} />
              </li>
            ))}
          </ul>
        )}
      </Card>
      {selected !== undefined && versions.data && (
        <VersionChanges
          // A new pick starts compared with the version before it again.
          key={selected}
          connectionId={connectionId}
          version={selected}
          versions={versions.data}
          currentVersion={currentVersion}
          hasUnsavedChanges={hasUnsavedChanges}
          onRestored={(saved) => {
            setPicked(saved.version);
            onRestored(saved, selected);
          }}
        />
      )}
    </div>
  );
}

function VersionButton({ version, isCurrent, isSelected, onSelect }: { version: PolicyVersionSummaryDto; isCurrent: boolean; isSelected: boolean; onSelect: () => void }) {
  return (
    <button
      type="button"
      onClick={onSelect}
      aria-current={isSelected || undefined}
      className={clsx(
        "block w-full px-4 py-3 text-left focus-visible:outline-none focus-visible:ring-2 focus-visible:ring-brand-500 focus-visible:ring-inset",
        isSelected ? "bg-brand-50" : "hover:bg-slate-50",
      )}
    >
      <span className="flex items-baseline justify-between gap-2">
        <span className={clsx("text-sm font-semibold", isSelected ? "text-brand-700" : "text-slate-900")}>
          Version {version.version}
          {isCurrent && <span className="ml-1.5 text-xs font-normal text-emerald-700">in force</span>}
        </span>{" "}
        <span className="text-xs text-slate-500">
          <DateTime value={version.createdAt} isRelative />
        </span>
      </span>
      {" "}
      <span className="mt-0.5 block truncate text-xs text-slate-500">{version.author}</span>{" "}
      {version.comment && <span className="mt-1 block text-sm text-slate-700">{version.comment}</span>}
    </button>
  );
}

type VersionChangesProps = {
  connectionId: string;
  version: number;
  versions: readonly PolicyVersionSummaryDto[];
  currentVersion: number;
  hasUnsavedChanges: boolean;
  onRestored: (saved: PolicyVersionDto) => void;
};

/** No version to compare with: the picked one is read on its own. */
const NONE = 0;

function VersionChanges({ connectionId, version, versions, currentVersion, hasUnsavedChanges, onRestored }: VersionChangesProps) {
  const previous = versions.find((v) => v.version < version)?.version ?? NONE;
  const [base, setBase] = useState(previous);
  const [isRestoring, setRestoring] = useState(false);
  const current = usePolicyVersion(connectionId, version);
  const compared = usePolicyVersion(connectionId, base === NONE ? undefined : base);
  const entries = useMemo(
    () => (current.data && compared.data ? diffPolicyDocuments(compared.data.document, current.data.document) : undefined),
    [current.data, compared.data],
  );
  const error = current.error ?? compared.error;
  const isCurrent = version === currentVersion;

  return (
    <Card
      title={`Version ${version}`}
      description={base === NONE ? "Not compared with another version." : `What changed from version ${base} to version ${version}.`}
      actions={
        !isCurrent && (
          <Button
            size="sm"
            onClick={() => setRestoring(true)}
            disabled={hasUnsavedChanges || !current.data}
            title={hasUnsavedChanges ? "Save or discard your changes first: restoring replaces the policy you are editing." : undefined}
          >
            Restore as new version…
          </Button>
        )
      }
    >
      <div className="space-y-4">
        <Field label="Compare with" className="max-w-xs">
          {(control) => (
            <Select {...control} value={String(base)} onChange={(e) => setBase(Number(e.target.value))}>
              <option value={String(NONE)}>No other version</option>
              {versions
                .filter((v) => v.version !== version)
                .map((v) => (
                  <option key={v.version} value={String(v.version)}>
                    {`Version ${v.version}${v.version === previous ? " (the one before)" : ""}`}
                  </option>
                ))}
            </Select>
          )}
        </Field>
        {hasUnsavedChanges && !isCurrent && <p className="text-xs text-slate-500">Save or discard your changes to restore this version.</p>}
        <section aria-label={`Changes in version ${version}`}>
          {error ? (
            <Alert tone="danger">{error.message}</Alert>
          ) : base === NONE ? (
            <p className="text-sm text-slate-500">
              {previous === NONE ? "Nothing to compare with: the connection started with this document." : "Choose a version to compare with."}
            </p>
          ) : entries && current.data && compared.data ? (
            <PolicyDiff
              entries={entries}
              docs={{ before: compared.data.document, after: current.data.document }}
              emptyText={`No change: versions ${base} and ${version} have the same document.`}
            />
          ) : (
            <Spinner label="Loading the two versions…" />
          )}
        </section>
      </div>
      {isRestoring && current.data && (
        <RestoreVersionDialog
          connectionId={connectionId}
          source={current.data}
          currentVersion={currentVersion}
          onRestored={(saved) => {
            setRestoring(false);
            onRestored(saved);
          }}
          onCancel={() => setRestoring(false)}
        />
      )}
    </Card>
  );
}
