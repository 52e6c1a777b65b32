"use client";

import { useState } from "react";
import { Alert } from "@/components/ui/alert";
import { Badge } from "@/components/ui/badge";
import { Button } from "@/components/ui/button";
import { useTestSink } from "@/lib/client/sinks";
import type { EventSinkDto, TestEventSinkInput } from "@/lib/shared/contracts/event-sinks";
import { sinkDestination } from "./sink-state-badge";
import { SinkTestStatus } from "./sink-test-status";

/** The test draft of a saved sink as stored: the server adds the stored secret. */
function storedTestDraft(sink: EventSinkDto): TestEventSinkInput {
  if (sink.kind === "webhook") return { id: sink.id, name: sink.name, kind: "webhook", url: sink.url ?? "" };
  if (sink.kind === "file") return { id: sink.id, name: sink.name, kind: "file", filePath: sink.filePath ?? "", maxFileBytes: sink.maxFileBytes ?? undefined, maxFiles: sink.maxFiles ?? undefined };
  return { id: sink.id, name: sink.name, kind: "stdout" };
}

/** A sink declared by WARDEN_SINK_* variables: its settings, read-only, and a test delivery. */
export function EnvironmentSinkSummary({ sink }: { sink: EventSinkDto }) {
  const test = useTestSink();
  const [hasTested, setTested] = useState(false);
  return (
    <div className="space-y-5">
      <Alert tone="info" title="Set by WARDEN_SINK_* variables">
        This sink is read-only here: change the variables where Warden runs and restart it. Retry and test deliveries still work.
      </Alert>
      <dl className="grid gap-4 text-sm sm:grid-cols-[10rem_minmax(0,1fr)]">
        <dt className="font-medium text-slate-500">Destination</dt>
        <dd className="font-mono break-all">{sinkDestination(sink)}</dd>
        {sink.kind === "webhook" && (
          <>
            <dt className="font-medium text-slate-500">Signing secret</dt>
            <dd>{sink.hasSecret ? <Badge tone="success">set</Badge> : <Badge tone="warning">none</Badge>}</dd>
          </>
        )}
        {sink.kind === "file" && (
          <>
            <dt className="font-medium text-slate-500">Rotation</dt>
            <dd>{`at ${Math.round((sink.maxFileBytes ?? 0) / 1024 / 1024)} MiB, ${sink.maxFiles ?? 0} files kept`}</dd>
          </>
        )}
        <dt className="font-medium text-slate-500">Event types</dt>
        <dd className="font-mono">{sink.eventTypes.length ? sink.eventTypes.join(", ") : "all"}</dd>
        <dt className="font-medium text-slate-500">Attempts before dead</dt>
        <dd>{sink.maxAttempts}</dd>
      </dl>
      <div className="space-y-3">
        <Button
          variant="secondary"
          isLoading={test.isPending}
          onClick={() => {
            setTested(true);
            test.mutate(storedTestDraft(sink));
          }}
        >
          Send test event
        </Button>
        <div aria-live="polite">{hasTested && <SinkTestStatus result={test.data} requestError={test.error} />}</div>
      </div>
    </div>
  );
}
