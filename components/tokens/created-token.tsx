"use client";

import type { ReactNode } from "react";
import { Alert } from "@/components/ui/alert";
import { Button } from "@/components/ui/button";
import { Card } from "@/components/ui/card";
import { CopyButton } from "@/components/ui/copy-button";
import { DateTime } from "@/components/ui/date-time";
import type { CreatedTokenDto } from "@/lib/shared/contracts/tokens";

/** Single quotes for a POSIX shell: the token is URL-safe, but the user name or agent name may not be. */
const shellQuote = (value: string) => `'${value.replace(/'/g, `'\\''`)}'`;

/**
 * The token, once: the server keeps only its hash, so after "Done" (or leaving the page) nobody can
 * show it again. Also a ready psql command and the environment an agent or libpq tool reads.
 */
export function CreatedToken({ created, onDone }: { created: CreatedTokenDto; onDone: () => void }) {
  const { token, tokenInfo, instructions } = created;
  const envLines = Object.entries(instructions.env)
    .map(([key, value]) => `export ${key}=${shellQuote(value)}`)
    .join("\n");
  return (
    <Card
      title={`Token for ${tokenInfo.connectionName}`}
      description={
        <>
          {`Signs in as ${tokenInfo.userName}${tokenInfo.agentName ? ` (${tokenInfo.actorKind} ${tokenInfo.agentName})` : ""}; expires `}
          <DateTime value={tokenInfo.expiresAt} />.
        </>
      }
      actions={
        <Button variant="primary" onClick={onDone}>
          Done
        </Button>
      }
    >
      <div className="space-y-5">
        <Alert tone="success" title="Copy your token now">
          It is shown only this once. Warden stores a hash of it, so it cannot be shown again; if you lose it, revoke it and create another.
        </Alert>
        <Copyable label="Token" copyLabel="Copy token" text={token}>
          <input
            readOnly
            value={token}
            aria-label="Token"
            onFocus={(e) => e.currentTarget.select()}
            className="block w-full rounded-md border border-slate-300 bg-slate-50 px-3 py-2 font-mono text-sm text-slate-900"
          />
        </Copyable>
        <Copyable label="psql" copyLabel="Copy psql command" text={instructions.psqlCommand}>
          <pre aria-label="psql command" className="overflow-x-auto rounded-md border border-slate-200 bg-slate-950 px-3 py-2 font-mono text-xs text-slate-100">
            {instructions.psqlCommand}
          </pre>
        </Copyable>
        <Copyable label="Environment for agents and libpq tools" copyLabel="Copy environment variables" text={envLines}>
          <pre aria-label="Environment variables" className="overflow-x-auto rounded-md border border-slate-200 bg-slate-950 px-3 py-2 font-mono text-xs leading-relaxed text-slate-100">
            {envLines}
          </pre>
        </Copyable>
      </div>
    </Card>
  );
}

function Copyable({ label, copyLabel, text, children }: { label: string; copyLabel: string; text: string; children: ReactNode }) {
  return (
    <div>
      <div className="mb-1.5 flex items-center justify-between gap-3">
        <span className="text-sm font-medium text-slate-800">{label}</span>
        <CopyButton text={text} label={copyLabel} />
      </div>
      {children}
    </div>
  );
}
