"use client";

import clsx from "clsx";
import { useMemo, useState } from "react";
import { Alert } from "@/components/ui/alert";
import { Button } from "@/components/ui/button";
import { Card } from "@/components/ui/card";
import { EmptyState } from "@/components/ui/empty-state";
import { Skeleton } from "@/components/ui/skeleton";
import { Spinner } from "@/components/ui/spinner";
import { DateTime } from "@/components/ui/date-time";
import { usePolicyVersion, usePolicyVersions } from "@/lib/client/policies";
import { diffPolicyDocuments } from "@/lib/policy/diff-policy-documents";
import type { PolicyVersionSummaryDto } from "@/lib/shared/contracts/policies";
import { PolicyDiff } from "./policy-diff";

/** Every saved version (who, when, why) and, for the one picked, what changed from the version before. */
export function PolicyHistory({ connectionId }: { connectionId: string }) {
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
                <VersionButton version={v} isSelected={v.version === selected} onSelect={() => setPicked(v.version)} />
              </li>
            ))}
          </ul>
        )}
      </Card>
      {selected !== undefined && <VersionChanges connectionId={connectionId} version={selected} />}
    </div>
  );
}

function VersionButton({ version, isSelected, onSelect }: { version: PolicyVersionSummaryDto; isSelected: boolean; onSelect: () => void }) {
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
        <span className={clsx("text-sm font-semibold", isSelected ? "text-brand-700" : "text-slate-900")}>Version {version.version}</span>{" "}
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

function VersionChanges({ connectionId, version }: { connectionId: string; version: number }) {
  const current = usePolicyVersion(connectionId, version);
  const previous = usePolicyVersion(connectionId, version > 1 ? version - 1 : undefined);
  const entries = useMemo(
    () => (current.data && previous.data ? diffPolicyDocuments(previous.data.document, current.data.document) : undefined),
    [current.data, previous.data],
  );
  const error = current.error ?? previous.error;
  return (
    <Card
      title={`Version ${version}`}
      description={version > 1 ? `What changed from version ${version - 1}.` : "The first saved version."}
    >
      <section aria-label={`Changes in version ${version}`}>
        {error ? (
          <Alert tone="danger">{error.message}</Alert>
        ) : version === 1 ? (
          <p className="text-sm text-slate-500">Nothing to compare with: the connection started with this document.</p>
        ) : entries ? (
          <PolicyDiff entries={entries} />
        ) : (
          <Spinner label="Loading the two versions…" />
        )}
      </section>
    </Card>
  );
}
