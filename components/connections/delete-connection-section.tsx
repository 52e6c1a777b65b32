"use client";

import { useRouter } from "next/navigation";
import { useState } from "react";
import { Button } from "@/components/ui/button";
import { Card } from "@/components/ui/card";
import { ConfirmDialog } from "@/components/ui/confirm-dialog";
import { useDeleteConnection } from "@/lib/client/connections";
import type { ConnectionDto } from "@/lib/shared/contracts/connections";

export function DeleteConnectionSection({ connection }: { connection: ConnectionDto }) {
  const router = useRouter();
  const remove = useDeleteConnection(connection.id);
  const [isConfirming, setConfirming] = useState(false);
  return (
    <Card tone="danger" title="Danger zone">
      <div className="flex flex-wrap items-center justify-between gap-4">
        <div className="text-sm">
          <p className="font-medium text-slate-900">Delete this connection</p>
          <p className="mt-0.5 text-slate-500">
            Clients that pass <code className="font-mono">{connection.name}</code> as their database name can no longer connect. The stored credential is
            destroyed. This cannot be undone.
          </p>
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
          Delete connection
        </Button>
      </div>
      <ConfirmDialog
        isOpen={isConfirming}
        title={`Delete ${connection.name}?`}
        description={
          <p>
            The connection to <span className="font-mono">{`${connection.host}:${connection.port}/${connection.database}`}</span> is removed from the
            catalog. The deletion is recorded in the audit log.
          </p>
        }
        confirmLabel="Delete connection"
        confirmationText={connection.name}
        isPending={remove.isPending || remove.isSuccess}
        error={remove.error?.message}
        onCancel={() => setConfirming(false)}
        onConfirm={() => remove.mutate(undefined, { onSuccess: () => router.replace("/connections") })}
      />
    </Card>
  );
}
