"use client";

import { useMemo, useState } from "react";
import { Alert } from "@/components/ui/alert";
import { Button } from "@/components/ui/button";
import { Card } from "@/components/ui/card";
import { Checkbox } from "@/components/ui/checkbox";
import { EmptyState } from "@/components/ui/empty-state";
import { Field } from "@/components/ui/field";
import { FilterInput } from "@/components/ui/filter-input";
import { loadedTokens, useAllTokens, type TokenListFilters } from "@/lib/client/tokens";
import type { CreatedTokenDto, UsableConnectionDto } from "@/lib/shared/contracts/tokens";
import { CreatedToken } from "./created-token";
import { TokenForm } from "./token-form";
import { TokensTable } from "./tokens-table";

/** The admins' Tokens page: everyone's tokens with Revoke, and minting for another person or a service account. */
export function AllTokensPanel({ connections }: { connections: UsableConnectionDto[] }) {
  const [filters, setFilters] = useState<TokenListFilters>({ active: "1" });
  const [connectionName, setConnectionName] = useState(connections[0]?.name ?? "");
  const [created, setCreated] = useState<CreatedTokenDto | null>(null);
  const tokens = useAllTokens(filters);
  const rows = useMemo(() => loadedTokens(tokens.data?.pages), [tokens.data]);

  return (
    <div className="space-y-5">
      <Card isPadded={false} title="All tokens" description="Newest first; Load more goes further back.">
        <form role="search" aria-label="Token filters" onSubmit={(e) => e.preventDefault()} className="flex flex-wrap items-end gap-4 border-b border-slate-100 px-5 py-4">
          <Field label="User" className="w-full sm:w-72">
            {(control) => <FilterInput {...control} value={filters.user ?? ""} onCommit={(v) => setFilters((f) => ({ ...f, user: v.trim() || undefined }))} placeholder="dev@example.com" spellCheck={false} />}
          </Field>
          <Checkbox className="pb-2" label="Active only" checked={filters.active === "1"} onChange={(e) => setFilters((f) => ({ ...f, active: e.target.checked ? "1" : undefined }))} />
        </form>
        {tokens.isError && rows === undefined ? (
          <div className="p-5">
            <Alert tone="danger" title="Could not load the tokens" actions={<Button size="sm" onClick={() => tokens.refetch()}>Retry</Button>}>
              {tokens.error.message}
            </Alert>
          </div>
        ) : (
          <TokensTable
            label="All tokens"
            tokens={rows}
            isLoading={tokens.isPending}
            paging={tokens}
            showHolder
            emptyState={<EmptyState title="No tokens match" description="Tokens minted on the Connect page, here, or with `warden token create` appear here." />}
          />
        )}
      </Card>

      {created && <CreatedToken created={created} onDone={() => setCreated(null)} />}

      {connections.length > 0 && (
        <Card title="Create a token for someone" description="For a person who cannot reach the console, or a service account. The mint is recorded in the audit log under your name." className="max-w-2xl">
          <TokenForm connections={connections} connectionName={connectionName} onConnectionChange={setConnectionName} mode="anyone" onCreated={setCreated} />
        </Card>
      )}
    </div>
  );
}
