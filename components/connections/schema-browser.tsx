"use client";

import { useId, useMemo, useState } from "react";
import { Alert } from "@/components/ui/alert";
import { Button } from "@/components/ui/button";
import { Card } from "@/components/ui/card";
import { EmptyState } from "@/components/ui/empty-state";
import { Field } from "@/components/ui/field";
import { Input } from "@/components/ui/input";
import { Skeleton } from "@/components/ui/skeleton";
import { Spinner } from "@/components/ui/spinner";
import { useConnectionSchema } from "@/lib/client/connections";
import type { ConnectionDto } from "@/lib/shared/contracts/connections";
import { filterSchema, tableKey } from "./filter-schema";
import { SchemaTableItem } from "./schema-table-item";

/** Schemas -> tables -> columns of the target, read live through the stored credential. */
export function SchemaBrowser({ connection }: { connection: ConnectionDto }) {
  const schema = useConnectionSchema(connection.id, { isEnabled: true });
  const [query, setQuery] = useState("");
  const idPrefix = useId();
  // Only what the admin chose; otherwise a table is open when the filter matched some of its columns,
  // because those matches would be invisible in a closed table.
  const [openChoice, setOpenChoice] = useState<ReadonlyMap<string, boolean>>(new Map());
  const visible = useMemo(() => (schema.data ? filterSchema(schema.data, query) : []), [schema.data, query]);
  const visibleKeys = visible.flatMap((s) => s.tables.map(tableKey));
  const tableTotal = schema.data?.schemas.reduce((n, s) => n + s.tables.length, 0) ?? 0;

  const isFiltering = query.trim() !== "";
  const isOpen = (key: string, isColumnMatch: boolean) => openChoice.get(key) ?? (isColumnMatch && isFiltering);
  const setAllOpen = (open: boolean) => setOpenChoice(new Map(visibleKeys.map((key) => [key, open])));

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
      {schema.data && tableTotal > 0 && (
        <div className="space-y-5">
          <div className="flex flex-wrap items-end gap-3">
            <Field label="Filter tables and columns" className="min-w-64 flex-1">
              {(control) => <Input {...control} type="search" value={query} onChange={(e) => setQuery(e.target.value)} placeholder="e.g. orders, email, jsonb" spellCheck={false} />}
            </Field>
            <div className="flex gap-2">
              <Button size="sm" variant="ghost" onClick={() => setAllOpen(true)}>
                Expand all
              </Button>
              <Button size="sm" variant="ghost" onClick={() => setAllOpen(false)}>
                Collapse all
              </Button>
            </div>
          </div>
          <p className="text-xs text-slate-500" aria-live="polite">
            {isFiltering ? `${visibleKeys.length} of ${tableTotal} tables match.` : `${tableTotal} ${tableTotal === 1 ? "table" : "tables"} in ${schema.data.schemas.length} ${schema.data.schemas.length === 1 ? "schema" : "schemas"}.`}
          </p>
          {visible.length === 0 && <EmptyState title="Nothing matches" description={`No schema, table, column or type contains "${query.trim()}".`} />}
          {visible.map((s, i) => (
            <section key={s.name} aria-labelledby={`${idPrefix}-schema-${i}`}>
              <h3 id={`${idPrefix}-schema-${i}`} className="mb-2 flex items-baseline gap-2 text-sm font-semibold text-slate-900">
                <span className="font-mono">{s.name}</span>
                <span className="text-xs font-normal text-slate-500">{s.tables.length} {s.tables.length === 1 ? "table" : "tables"}</span>
              </h3>
              <ul className="space-y-1.5">
                {s.tables.map((table) => {
                  const key = tableKey(table);
                  const open = isOpen(key, table.isColumnMatch);
                  return (
                    <SchemaTableItem key={key} table={table} query={query} isOpen={open} onToggle={() => setOpenChoice((prev) => new Map(prev).set(key, !open))} />
                  );
                })}
              </ul>
            </section>
          ))}
        </div>
      )}
    </Card>
  );
}

function SchemaLoading({ host }: { host: string }) {
  return (
    <div className="space-y-3">
      <Spinner label={`Reading the catalog from ${host}…`} />
      {[0, 1, 2, 3].map((i) => (
        <Skeleton key={i} className="h-9 w-full" />
      ))}
    </div>
  );
}
