"use client";

import { useState, type FormEvent } from "react";
import { Alert } from "@/components/ui/alert";
import { Button } from "@/components/ui/button";
import { Checkbox } from "@/components/ui/checkbox";
import { Field } from "@/components/ui/field";
import { Input } from "@/components/ui/input";
import { Select } from "@/components/ui/select";
import { ApiRequestError } from "@/lib/client/api";
import { useCreateToken } from "@/lib/client/tokens";
import { parseGroupList } from "@/lib/shared/contracts/group-names";
import type { ActorKind } from "@/lib/shared/contracts/sessions";
import { TOKEN_EXPIRIES, TOKEN_EXPIRY_KEYS, type CreatedTokenDto, type CreateTokenRequest, type TokenExpiry, type UsableConnectionDto } from "@/lib/shared/contracts/tokens";

type TokenFormProps = {
  connections: UsableConnectionDto[];
  connectionName: string;
  onConnectionChange: (name: string) => void;
  /** "self": the Connect page (for the signed-in person). "anyone": the admins' Tokens page. */
  mode: "self" | "anyone";
  onCreated: (created: CreatedTokenDto) => void;
};

/** Connection, lifetime, and who holds the token: a person, an AI agent (named), or (admins) a service. */
export function TokenForm({ connections, connectionName, onConnectionChange, mode, onCreated }: TokenFormProps) {
  const create = useCreateToken();
  const [expiresIn, setExpiresIn] = useState<TokenExpiry>("8h");
  const [actorKind, setActorKind] = useState<ActorKind>("human");
  const [agentName, setAgentName] = useState("");
  const [userName, setUserName] = useState("");
  const [groups, setGroups] = useState("");
  const fieldErrors = create.error instanceof ApiRequestError ? create.error.fieldErrors : {};
  const selected = connections.find((c) => c.name === connectionName);

  const submit = (event: FormEvent) => {
    event.preventDefault();
    const input: CreateTokenRequest = {
      connectionName,
      expiresIn,
      actorKind,
      agentName: actorKind === "human" ? undefined : agentName.trim() || undefined,
      ...(mode === "anyone" && {
        userName: userName.trim() || undefined,
        groups: groups.trim() ? parseGroupList(groups) : undefined,
      }),
    };
    create.mutate(input, {
      onSuccess: (created) => {
        setAgentName("");
        onCreated(created);
      },
    });
  };

  return (
    <form onSubmit={submit} aria-label={mode === "self" ? "Create a token" : "Create a token for someone"} className="space-y-4" noValidate>
      {mode === "anyone" && (
        <Field label="User" hint="An email, or a service account's name. People's groups come from their last console sign-in." error={fieldErrors.userName}>
          {(control) => <Input {...control} value={userName} onChange={(e) => setUserName(e.target.value)} placeholder="dev@example.com" spellCheck={false} autoCapitalize="off" required />}
        </Field>
      )}
      <Field label="Connection" hint={selected?.description || undefined} error={fieldErrors.connectionName}>
        {(control) => (
          <Select {...control} value={connectionName} onChange={(e) => onConnectionChange(e.target.value)}>
            {connections.map((c) => (
              <option key={c.id} value={c.name}>
                {c.name}
              </option>
            ))}
          </Select>
        )}
      </Field>
      <Field label="Expires after" error={fieldErrors.expiresIn}>
        {(control) => (
          <Select {...control} value={expiresIn} onChange={(e) => setExpiresIn(e.target.value as TokenExpiry)}>
            {TOKEN_EXPIRY_KEYS.map((key) => (
              <option key={key} value={key}>
                {TOKEN_EXPIRIES[key].label}
              </option>
            ))}
          </Select>
        )}
      </Field>
      {mode === "self" ? (
        <Checkbox
          label="For an AI agent"
          hint="Sessions with this token show as the agent, with your name beside it."
          checked={actorKind === "agent"}
          onChange={(e) => setActorKind(e.target.checked ? "agent" : "human")}
        />
      ) : (
        <Field label="Actor" error={fieldErrors.actorKind}>
          {(control) => (
            <Select {...control} value={actorKind} onChange={(e) => setActorKind(e.target.value as ActorKind)}>
              <option value="human">A person</option>
              <option value="agent">An AI agent</option>
              <option value="service">A service</option>
            </Select>
          )}
        </Field>
      )}
      {actorKind !== "human" && (
        <Field label={actorKind === "agent" ? "Agent name" : "Service name"} hint="Shown on every session that uses this token." error={fieldErrors.agentName}>
          {(control) => <Input {...control} value={agentName} onChange={(e) => setAgentName(e.target.value)} placeholder={actorKind === "agent" ? "claude-code" : "nightly-etl"} spellCheck={false} autoCapitalize="off" maxLength={100} />}
        </Field>
      )}
      {mode === "anyone" && (
        <Field label="Groups" hint="Only for service accounts that never sign in to the console; separate with commas." error={fieldErrors.groups}>
          {(control) => <Input {...control} value={groups} onChange={(e) => setGroups(e.target.value)} placeholder="developer" spellCheck={false} autoCapitalize="off" />}
        </Field>
      )}
      {create.error && <Alert tone="danger">{create.error.message}</Alert>}
      <Button type="submit" variant="primary" isLoading={create.isPending} disabled={!connectionName}>
        Create token
      </Button>
    </form>
  );
}
