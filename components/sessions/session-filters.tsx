"use client";

import { fromDateTimeLocal, toDateTimeLocal } from "@/components/audit/audit-filters-url";
import { FilterInput } from "@/components/audit/filter-input";
import { Button } from "@/components/ui/button";
import { Checkbox } from "@/components/ui/checkbox";
import { Field } from "@/components/ui/field";
import { Select } from "@/components/ui/select";
import { ACTOR_KINDS, type ActorKind, type SessionFilters as Filters } from "@/lib/shared/contracts/sessions";
import { hasSessionFilters } from "./session-filters-url";

export type ConnectionOption = { id: string; name: string };

type SessionFiltersProps = {
  filters: Filters;
  connections: ConnectionOption[];
  /** Off for people who may see only their own sessions: the server ignores the filter for them anyway. */
  canFilterByUser: boolean;
  onChange: <K extends keyof Filters>(key: K, value: Filters[K] | undefined) => void;
  onClear: () => void;
};

const ACTOR_LABELS: Record<ActorKind, string> = { human: "People", agent: "AI agents", service: "Services" };

export function SessionFilters({ filters, connections, canFilterByUser, onChange, onClear }: SessionFiltersProps) {
  return (
    <form role="search" aria-label="Session filters" onSubmit={(e) => e.preventDefault()} className="grid gap-4 sm:grid-cols-2 lg:grid-cols-3 xl:grid-cols-6">
      {canFilterByUser && (
        <Field label="User" hint="Exact user name.">
          {(control) => <FilterInput {...control} value={filters.user ?? ""} onCommit={(v) => onChange("user", v.trim() || undefined)} placeholder="dev@example.com" spellCheck={false} autoCapitalize="off" />}
        </Field>
      )}
      <Field label="Actor">
        {(control) => (
          <Select {...control} value={filters.actor ?? ""} onChange={(e) => onChange("actor", (e.target.value || undefined) as ActorKind | undefined)}>
            <option value="">Everyone</option>
            {ACTOR_KINDS.map((kind) => (
              <option key={kind} value={kind}>
                {ACTOR_LABELS[kind]}
              </option>
            ))}
          </Select>
        )}
      </Field>
      <Field label="Connection">
        {(control) => (
          <Select {...control} value={filters.connection ?? ""} onChange={(e) => onChange("connection", e.target.value || undefined)}>
            <option value="">All connections</option>
            {connections.map((c) => (
              <option key={c.id} value={c.id}>
                {c.name}
              </option>
            ))}
          </Select>
        )}
      </Field>
      <Field label="Started from">
        {(control) => <FilterInput {...control} type="datetime-local" value={toDateTimeLocal(filters.from)} onCommit={(v) => onChange("from", fromDateTimeLocal(v))} />}
      </Field>
      <Field label="Started until">
        {(control) => <FilterInput {...control} type="datetime-local" value={toDateTimeLocal(filters.to)} onCommit={(v) => onChange("to", fromDateTimeLocal(v))} />}
      </Field>
      <div className="flex items-end pb-2">
        <Checkbox label="With errors only" checked={filters.errors === "1"} onChange={(e) => onChange("errors", e.target.checked ? "1" : undefined)} />
      </div>
      {hasSessionFilters(filters) && (
        <div className="sm:col-span-2 lg:col-span-3 xl:col-span-6">
          <Button size="sm" variant="ghost" onClick={onClear}>
            Clear filters
          </Button>
        </div>
      )}
    </form>
  );
}
