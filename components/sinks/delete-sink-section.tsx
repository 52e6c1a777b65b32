"use client";

import { useRouter } from "next/navigation";
import { useState } from "react";
import { Button } from "@/components/ui/button";
import { Card } from "@/components/ui/card";
import { ConfirmDialog } from "@/components/ui/confirm-dialog";
import { useDeleteSink } from "@/lib/client/sinks";
import type { EventSinkDto } from "@/lib/shared/contracts/event-sinks";

export function DeleteSinkSection({ sink }: { sink: EventSinkDto }) {
  const router = useRouter();
  const remove = useDeleteSink(sink.id);
  const [isConfirming, setConfirming] = useState(false);
  return (
    <Card tone="danger" title="Danger zone">
      <div className="flex flex-wrap items-center justify-between gap-4">
        <div className="text-sm">
          <p className="font-medium text-slate-900">Delete this sink</p>
          <p className="mt-0.5 text-slate-500">Events stop going to it, and its place in the trail is forgotten. The stored secret is destroyed.</p>
        </div>
        <Button
          variant="danger"
          // While the dialog is open its confirm button carries the same name; hiding this one keeps that name unique.
          aria-hidden={isConfirming || undefined}
          onClick={() => {
            remove.reset();
            setConfirming(true);
          }}
        >
          Delete sink
        </Button>
      </div>
      <ConfirmDialog
        isOpen={isConfirming}
        title={`Delete ${sink.name}?`}
        description={<p>The deletion is recorded in the audit log.</p>}
        confirmLabel="Delete sink"
        confirmationText={sink.name}
        isPending={remove.isPending || remove.isSuccess}
        error={remove.error?.message}
        onCancel={() => setConfirming(false)}
        onConfirm={() => remove.mutate(undefined, { onSuccess: () => router.replace("/sinks") })}
      />
    </Card>
  );
}
