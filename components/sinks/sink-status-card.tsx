"use client";

import { Alert } from "@/components/ui/alert";
import { Button } from "@/components/ui/button";
import { Card } from "@/components/ui/card";
import { DateTime } from "@/components/ui/date-time";
import { useSetSinkEnabled } from "@/lib/client/sinks";
import type { EventSinkDto } from "@/lib/shared/contracts/event-sinks";
import { RetrySinkButton } from "./retry-sink-button";
import { SinkStateBadge } from "./sink-state-badge";

function Stat({ label, children }: { label: string; children: React.ReactNode }) {
  return (
    <div>
      <dt className="text-xs font-medium tracking-wide text-slate-500 uppercase">{label}</dt>
      <dd className="mt-1 text-sm text-slate-900">{children}</dd>
    </div>
  );
}

/** How delivery stands, live: state, cursor, lag, the last error; Retry for a dead sink, and the on/off switch. */
export function SinkStatusCard({ sink }: { sink: EventSinkDto }) {
  const toggle = useSetSinkEnabled(sink.id);
  return (
    <Card
      title="Delivery"
      description="Refreshed every few seconds."
      actions={
        <>
          {sink.state !== "active" && <RetrySinkButton sink={sink} size="md" />}
          {sink.source === "console" && (
            <Button isLoading={toggle.isPending} onClick={() => toggle.mutate(!sink.isEnabled)}>
              {sink.isEnabled ? "Disable" : "Enable"}
            </Button>
          )}
        </>
      }
    >
      <dl className="grid gap-5 sm:grid-cols-3 lg:grid-cols-5">
        <Stat label="State">
          <SinkStateBadge sink={sink} />
        </Stat>
        <Stat label="Delivered seq">
          <span className="font-mono tabular-nums">{sink.deliveredSeq}</span>
        </Stat>
        <Stat label="Lag">
          <span className="tabular-nums">{sink.lag === 0 ? "up to date" : `${sink.lag} events behind`}</span>
        </Stat>
        <Stat label="Last delivered">{sink.lastDeliveredAt ? <DateTime value={sink.lastDeliveredAt} isRelative /> : "never"}</Stat>
        <Stat label="Last attempt">{sink.lastAttemptAt ? <DateTime value={sink.lastAttemptAt} isRelative /> : "none yet"}</Stat>
      </dl>
      {sink.state === "dead" && (
        <Alert tone="danger" title="Delivery stopped" className="mt-5">
          {`${sink.failedAttempts} attempts in a row failed. Nothing is skipped: Retry resumes at event ${sink.deliveredSeq + 1}.`}
          {sink.lastError && <p className="mt-1 font-mono text-xs">{sink.lastError}</p>}
        </Alert>
      )}
      {sink.state === "retrying" && sink.lastError && (
        <Alert tone="warning" title="The last attempt failed" className="mt-5">
          <p className="font-mono text-xs">{sink.lastError}</p>
        </Alert>
      )}
      {toggle.error && (
        <Alert tone="danger" className="mt-5">
          {toggle.error.message}
        </Alert>
      )}
    </Card>
  );
}
