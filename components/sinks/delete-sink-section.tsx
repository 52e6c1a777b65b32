"use client";

import { DangerDeleteSection } from "@/components/ui/danger-delete-section";
import { useDeleteSink } from "@/lib/client/sinks";
import type { EventSinkDto } from "@/lib/shared/contracts/event-sinks";

export function DeleteSinkSection({ sink }: { sink: EventSinkDto }) {
  const remove = useDeleteSink(sink.id);
  return (
    <DangerDeleteSection
      label="sink"
      name={sink.name}
      remove={remove}
      afterDeleteHref="/sinks"
      consequences="Events stop going to it, and its place in the trail is forgotten. The stored secret is destroyed."
      confirmDescription={<p>The deletion is recorded in the audit log.</p>}
    />
  );
}
