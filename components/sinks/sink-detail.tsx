"use client";

import { Alert } from "@/components/ui/alert";
import { Badge } from "@/components/ui/badge";
import { Card } from "@/components/ui/card";
import { PageHeader } from "@/components/ui/page-header";
import { useSink } from "@/lib/client/sinks";
import type { EventSinkDto } from "@/lib/shared/contracts/event-sinks";
import { DeleteSinkSection } from "./delete-sink-section";
import { EnvironmentSinkSummary } from "./environment-sink-summary";
import { SinkSettings } from "./sink-settings";
import { sinkDestination } from "./sink-state-badge";
import { SinkStatusCard } from "./sink-status-card";

export function SinkDetail({ initialSink }: { initialSink: EventSinkDto }) {
  const { data: sink = initialSink, error } = useSink(initialSink.id, initialSink);
  const isEnvironment = sink.source === "environment";
  return (
    <>
      <PageHeader
        back={{ href: "/sinks", label: "Event sinks" }}
        title={
          <span className="inline-flex items-center gap-3">
            {sink.name}
            {isEnvironment && <Badge>environment</Badge>}
          </span>
        }
        description={<span className="font-mono">{`${sink.kind} · ${sinkDestination(sink)}`}</span>}
      />
      {error && (
        <Alert tone="warning" className="mb-5">
          {error.message}
        </Alert>
      )}
      <div className="max-w-5xl space-y-6">
        <SinkStatusCard sink={sink} />
        <Card title="Settings" description={isEnvironment ? undefined : `Created by ${sink.createdBy}.`} className="max-w-3xl">
          {isEnvironment ? <EnvironmentSinkSummary sink={sink} /> : <SinkSettings sink={sink} />}
        </Card>
        {!isEnvironment && (
          <div className="max-w-3xl">
            <DeleteSinkSection sink={sink} />
          </div>
        )}
      </div>
    </>
  );
}
