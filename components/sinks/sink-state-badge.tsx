"use client";

import { Badge } from "@/components/ui/badge";
import { formatRelativeTime, formatUtc } from "@/lib/shared/format-date-time";
import { useNow } from "@/components/ui/use-now";
import type { EventSinkDto } from "@/lib/shared/contracts/event-sinks";

/** active (green, or grey when switched off) · retrying, with when the next attempt is due · dead, in red. */
export function SinkStateBadge({ sink }: { sink: EventSinkDto }) {
  const now = useNow(5_000);
  if (!sink.isEnabled) return <Badge tone="neutral">disabled</Badge>;
  switch (sink.state) {
    case "active":
      return <Badge tone="success">active</Badge>;
    case "retrying":
      return (
        <span className="inline-flex flex-col gap-0.5">
          <Badge tone="warning">{`retrying (${sink.failedAttempts}/${sink.maxAttempts})`}</Badge>
          {sink.nextAttemptAt && (
            <span className="text-xs text-slate-500">
              next attempt{" "}
              <time dateTime={sink.nextAttemptAt} title={formatUtc(sink.nextAttemptAt)}>{Date.parse(sink.nextAttemptAt) <= now ? "now" : formatRelativeTime(sink.nextAttemptAt, new Date(now))}</time>
            </span>
          )}
        </span>
      );
    case "dead":
      return <Badge tone="danger">{`dead after ${sink.failedAttempts} ${sink.failedAttempts === 1 ? "attempt" : "attempts"}`}</Badge>;
  }
}

/** Where the sink's events go, in one line. */
export function sinkDestination(sink: EventSinkDto): string {
  if (sink.kind === "webhook") return sink.url ?? "";
  if (sink.kind === "file") return sink.filePath ?? "";
  return "standard output";
}
