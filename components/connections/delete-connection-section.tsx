"use client";

import { DangerDeleteSection } from "@/components/ui/danger-delete-section";
import { useDeleteConnection } from "@/lib/client/connections";
import type { ConnectionDto } from "@/lib/shared/contracts/connections";

export function DeleteConnectionSection({ connection }: { connection: ConnectionDto }) {
  const remove = useDeleteConnection(connection.id);
  return (
    <DangerDeleteSection
      label="connection"
      name={connection.name}
      remove={remove}
      afterDeleteHref="/connections"
      consequences={
        <>
          Clients that pass <code className="font-mono">{connection.name}</code> as their database name can no longer connect. The stored credential is
          destroyed. This cannot be undone.
        </>
      }
      confirmDescription={
        <p>
          The connection to <span className="font-mono">{`${connection.host}:${connection.port}/${connection.database}`}</span> is removed from the
          catalog. The deletion is recorded in the audit log.
        </p>
      }
    />
  );
}
