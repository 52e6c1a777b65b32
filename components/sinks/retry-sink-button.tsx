"use client";

import { Button } from "@/components/ui/button";
import { useRetrySink } from "@/lib/client/sinks";
import type { EventSinkDto } from "@/lib/shared/contracts/event-sinks";

/** Takes a dead (or waiting) sink back to delivery now, from the event after its cursor. Audited. */
export function RetrySinkButton({ sink, size = "sm" }: { sink: EventSinkDto; size?: "sm" | "md" }) {
  const retry = useRetrySink(sink.id);
  return (
    <span className="inline-flex flex-col items-start gap-1">
      <Button size={size} variant={sink.state === "dead" ? "primary" : "secondary"} isLoading={retry.isPending} onClick={() => retry.mutate()} aria-label={`Retry ${sink.name}`}>
        Retry
      </Button>
      {retry.error && (
        <span role="alert" className="text-xs text-red-600">
          {retry.error.message}
        </span>
      )}
    </span>
  );
}
