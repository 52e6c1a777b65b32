"use client";

import { memo, type ReactNode } from "react";
import { Alert } from "@/components/ui/alert";
import { Badge, type BadgeTone } from "@/components/ui/badge";
import { Button } from "@/components/ui/button";
import { formatDuration } from "@/components/ui/format-duration";
import { Skeleton } from "@/components/ui/skeleton";
import { DateTime } from "@/components/ui/date-time";
import { useDebouncedValue } from "@/components/ui/use-debounced-value";
import { useStatement } from "@/lib/client/sessions";
import type { StatementDecision, StatementDetailDto, StatementSummaryDto } from "@/lib/shared/contracts/sessions";
import { OutcomeBadge } from "./outcome-badge";
import { ParamsTable } from "./params-table";
import { ResultTable } from "./result-table";
import { SqlHighlight } from "./sql-highlight";
import { statementOutcome } from "./statement-outcome";

const DECISION_TONES: Record<StatementDecision, BadgeTone> = { forward: "neutral", block: "danger", hold: "warning" };

type StatementDetailProps = {
  sessionId: string;
  summary: StatementSummaryDto;
  /** To say how far into the session the statement came. */
  sessionStartedAt: string;
  /** While playing, steps can pass at dozens a second: the full record is fetched only for a step that stays a moment. */
  isPlaying?: boolean;
};

const PLAYING_FETCH_DELAY_MS = 250;

/**
 * The selected step in full. The summary from the list shows at once (SQL start, outcome, timings);
 * parameters, the full SQL and the recorded result follow from the statement's own request.
 */
export const StatementDetail = memo(function StatementDetail({ sessionId, summary, sessionStartedAt, isPlaying = false }: StatementDetailProps) {
  const settled = useDebouncedValue(summary, isPlaying ? PLAYING_FETCH_DELAY_MS : 0);
  const detail = useStatement(sessionId, settled.seq === summary.seq ? summary : undefined);
  const d: StatementDetailDto | undefined = detail.data?.seq === summary.seq ? detail.data : undefined;
  const { outcome, label } = statementOutcome(summary);
  const sql = d?.sql ?? (summary.isSqlTruncated ? `${summary.sqlPreview}…` : summary.sqlPreview);

  return (
    <section aria-label="Selected statement" className="rounded-lg border border-slate-200 bg-white shadow-xs">
      <header className="flex flex-wrap items-center justify-between gap-3 border-b border-slate-100 px-5 py-4">
        <div className="min-w-0">
          <h2 className="text-base font-semibold text-slate-900">Statement #{summary.seq}</h2>
          <p className="mt-0.5 text-sm text-slate-500">
            {summary.kind} · {summary.command} · {summary.protocol} protocol
          </p>
        </div>
        <OutcomeBadge outcome={outcome} label={label} testId="statement-outcome" />
      </header>

      <div className="space-y-5 p-5">
        <Block title="SQL">
          <SqlHighlight sql={sql} />
        </Block>

        {detail.isError && (
          <Alert tone="danger" title="Could not load this statement" actions={<Button size="sm" onClick={() => detail.refetch()}>Retry</Button>}>
            {detail.error.message}
          </Alert>
        )}

        {d?.params && d.params.length > 0 && (
          <Block title="Parameters">
            <ParamsTable params={d.params} />
          </Block>
        )}

        <dl className="grid grid-cols-2 gap-x-6 gap-y-3 text-sm sm:grid-cols-3">
          <Fact label="Decision">
            <span className="inline-flex flex-wrap items-center gap-1.5">
              <Badge tone={DECISION_TONES[summary.decision]}>{summary.decision}</Badge>
              {d?.decisionReason && <span className="text-xs text-slate-600">{d.decisionReason}</span>}
            </span>
          </Fact>
          <Fact label="Received">
            <span className="inline-flex flex-wrap items-baseline gap-x-1.5">
              <DateTime value={summary.receivedAt} />
              <span className="text-xs text-slate-500">+{formatDuration(Date.parse(summary.receivedAt) - Date.parse(sessionStartedAt))} into the session</span>
            </span>
          </Fact>
          <Fact label="Command tag">{summary.commandTag ? <span className="font-mono text-xs">{summary.commandTag}</span> : "—"}</Fact>
          <Fact label="Gateway time">{formatDuration(summary.gatewayMs)}</Fact>
          <Fact label="Duration">{formatDuration(summary.durationMs)}</Fact>
          <Fact label="Rows">{summary.rowCount === null ? "—" : summary.rowCount.toLocaleString()}</Fact>
          {d?.decidedBy && (
            <Fact label="Decided by" wide>
              <span className="text-sm">
                {d.decidedBy}
                {d.decidedAt && (
                  <>
                    {" "}
                    <span className="text-xs text-slate-500">
                      at <DateTime value={d.decidedAt} />
                    </span>
                  </>
                )}
                {d.decisionComment && <span className="mt-0.5 block text-xs text-slate-600">“{d.decisionComment}”</span>}
              </span>
            </Fact>
          )}
          {d?.flags && d.flags.length > 0 && (
            <Fact label="Risk flags" wide>
              <span className="flex flex-wrap gap-1">
                {d.flags.map((flag) => (
                  <Badge key={flag} tone="warning" isMono>
                    {flag}
                  </Badge>
                ))}
              </span>
            </Fact>
          )}
          {d && d.relations.length > 0 && (
            <Fact label="Relations" wide>
              <span className="flex flex-wrap gap-1">
                {d.relations.map((r, i) => (
                  <Badge key={i} tone={r.access === "write" ? "warning" : "neutral"} isMono>
                    {`${r.schema ? `${r.schema}.` : ""}${r.name} (${r.access})`}
                  </Badge>
                ))}
              </span>
            </Fact>
          )}
          {d?.fingerprint && (
            <Fact label="Fingerprint" wide>
              <span className="font-mono text-xs break-all text-slate-600">{d.fingerprint}</span>
            </Fact>
          )}
        </dl>

        {d?.parseError && (
          <p className="rounded-md border border-amber-200 bg-amber-50 px-3 py-2 text-xs text-amber-900">
            <span className="font-semibold">Could not be parsed:</span> {d.parseError}
          </p>
        )}

        {summary.errorCode && (
          // Not role=alert: it is part of the record being read, not news, and stepping must not interrupt a screen reader.
          <div className="rounded-md border border-red-200 bg-red-50 px-4 py-3 text-sm text-red-800">
            <p className="font-semibold">
              Error <span className="font-mono">SQLSTATE {summary.errorCode}</span>
            </p>
            <p className="mt-0.5 break-words" data-testid="statement-error">
              {d ? d.errorMessage : <Skeleton className="w-2/3" />}
            </p>
          </div>
        )}

        <Block title="Result">
          {!d ? (
            detail.isPending ? (
              <div className="space-y-2" aria-busy>
                <Skeleton className="w-1/3" />
                <Skeleton className="h-24 w-full" />
              </div>
            ) : null
          ) : d.columns ? (
            <ResultTable columns={d.columns} rows={d.rows ?? []} isTruncated={d.rowsTruncated} totalRows={d.resultRowCount} maskedColumns={d.maskedColumns} />
          ) : (
            <p className="text-sm text-slate-500">{summary.status === "running" ? "No answer from the server yet." : "This statement returned no result set."}</p>
          )}
        </Block>
      </div>
    </section>
  );
});

function Block({ title, children }: { title: string; children: ReactNode }) {
  const id = `block-${title.toLowerCase().replace(/\W+/g, "-")}`;
  return (
    <section aria-labelledby={id}>
      <h3 id={id} className="mb-2 text-xs font-semibold tracking-wide text-slate-500 uppercase">
        {title}
      </h3>
      {children}
    </section>
  );
}

function Fact({ label, wide = false, children }: { label: string; wide?: boolean; children: ReactNode }) {
  return (
    <div className={wide ? "col-span-2 sm:col-span-3" : undefined}>
      <dt className="text-xs text-slate-500">{label}</dt>
      <dd className="mt-0.5 text-slate-900 tabular-nums">{children}</dd>
    </div>
  );
}
