"use client";

import { useMemo, useRef, useState } from "react";
import { Alert } from "@/components/ui/alert";
import { Button } from "@/components/ui/button";
import { Card } from "@/components/ui/card";
import { EmptyState } from "@/components/ui/empty-state";
import { loadedTokens, useMyTokens } from "@/lib/client/tokens";
import type { CreatedTokenDto, UsableConnectionDto } from "@/lib/shared/contracts/tokens";
import { CreatedToken } from "./created-token";
import { McpSetup } from "./mcp-setup";
import { TokenForm } from "./token-form";
import { TokensTable } from "./tokens-table";

type ConnectPanelProps = { connections: UsableConnectionDto[]; gateway: { host: string; port: number }; consoleUrl: string };

/** The Connect page: the connections one may use, a token for one of them (shown once), and one's tokens. */
export function ConnectPanel({ connections, gateway, consoleUrl }: ConnectPanelProps) {
  const [connectionName, setConnectionName] = useState(connections[0]?.name ?? "");
  const [created, setCreated] = useState<CreatedTokenDto | null>(null);
  const formRef = useRef<HTMLDivElement>(null);
  const tokens = useMyTokens();
  const rows = useMemo(() => loadedTokens(tokens.data?.pages), [tokens.data]);

  const pick = (name: string) => {
    setConnectionName(name);
    formRef.current?.scrollIntoView({ block: "nearest", behavior: "smooth" });
    formRef.current?.querySelector("select")?.focus();
  };

  return (
    <div className="space-y-5">
      {connections.length === 0 ? (
        <Card>
          <EmptyState
            title="No connections for your groups"
            description="None of the databases in Warden's catalog allows a group you are in. Ask an admin to add one of your groups to the connection you need."
          />
        </Card>
      ) : (
        <div className="grid grid-cols-1 items-start gap-5 lg:grid-cols-2">
          <Card title="Connections you can use" description={`Through the gateway at ${gateway.host}:${gateway.port}; the connection's name is the database name.`} isPadded={false}>
            <ul className="divide-y divide-slate-100" aria-label="Connections you can use">
              {connections.map((c) => (
                <li key={c.id} className="flex items-center justify-between gap-4 px-5 py-3">
                  <div className="min-w-0">
                    <p className="font-mono text-sm font-medium text-slate-900">{c.name}</p>
                    {c.description && <p className="mt-0.5 text-sm text-slate-500">{c.description}</p>}
                  </div>
                  <Button size="sm" onClick={() => pick(c.name)} aria-label={`Use ${c.name}`} aria-pressed={c.name === connectionName}>
                    Use
                  </Button>
                </li>
              ))}
            </ul>
          </Card>
          <div ref={formRef}>
            <Card title="Create a token" description="A short-lived password for the gateway, for you or an AI agent working for you.">
              <TokenForm connections={connections} connectionName={connectionName} onConnectionChange={setConnectionName} mode="self" onCreated={setCreated} />
            </Card>
          </div>
        </div>
      )}

      {created && <CreatedToken created={created} onDone={() => setCreated(null)} />}
      {created && created.tokenInfo.actorKind !== "human" && <McpSetup created={created} consoleUrl={consoleUrl} gateway={gateway} />}

      <Card title="Your tokens" isPadded={false}>
        {tokens.isError && rows === undefined ? (
          <div className="p-5">
            <Alert tone="danger" title="Could not load your tokens" actions={<Button size="sm" onClick={() => tokens.refetch()}>Retry</Button>}>
              {tokens.error.message}
            </Alert>
          </div>
        ) : (
          <TokensTable
            label="Your tokens"
            tokens={rows}
            isLoading={tokens.isPending}
            paging={tokens}
            emptyState={<EmptyState title="No tokens yet" description="Tokens you create appear here, with when they were last used, until long after they expire." />}
          />
        )}
      </Card>
    </div>
  );
}
