"use client";

import { Alert } from "@/components/ui/alert";
import { Button } from "@/components/ui/button";
import { Card } from "@/components/ui/card";
import { EmptyState } from "@/components/ui/empty-state";
import { Skeleton } from "@/components/ui/skeleton";
import { Spinner } from "@/components/ui/spinner";
import { useConnectionSchema } from "@/lib/client/connections";
import type { ConnectionDto } from "@/lib/shared/contracts/connections";
import { SchemaTree } from "./schema-tree";

/** Schemas -> tables -> columns of the target, read live through the stored credential. */
export function SchemaBrowser({ connection }: { connection: ConnectionDto }) {
  const schema = useConnectionSchema(connection.id, { isEnabled: true });
  const tableTotal = schema.data?.schemas.reduce((n, s) => n + s.tables.length, 0) ?? 0;

  return (
    <Card
      title="Schema"
      description={
        <>
          What <span className="font-mono">{connection.username}</span> can see in <span className="font-mono">{connection.database}</span>, read live from the server.
        </>
      }
      actions={
        <Button size="sm" onClick={() => schema.refetch()} isLoading={schema.isFetching} disabled={schema.isPending && !schema.isError}>
          Reload
        </Button>
      }
    >
      {schema.isPending && !schema.isError && <SchemaLoading host={connection.host} />}
      {schema.isError && (
        <Alert tone="danger" actions={<Button size="sm" onClick={() => schema.refetch()}>Retry</Button>}>
          {schema.error.message}
        </Alert>
      )}
      {schema.data && tableTotal === 0 && (
        <EmptyState title="No tables" description={`User ${connection.username} cannot see any tables or views in ${connection.database}.`} />
      )}
      {schema.data && tableTotal > 0 && <SchemaTree schema={schema.data} />}
    </Card>
  );
}

export function SchemaLoading({ host }: { host?: string }) {
  return (
    <div className="space-y-3">
      <Spinner label={host ? `Reading the catalog from ${host}…` : "Reading the catalog…"} />
      {[0, 1, 2, 3].map((i) => (
        <Skeleton key={i} className="h-9 w-full" />
      ))}
    </div>
  );
}
