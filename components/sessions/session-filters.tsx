"use client";

import { Checkbox } from "@/components/ui/checkbox";
import { Field } from "@/components/ui/field";
import { ClearFiltersRow, DateTimeFilterField, NamedOptions } from "@/components/ui/filter-fields";
import { FilterInput } from "@/components/ui/filter-input";
import { Select } from "@/components/ui/select";
import type { SetFilter } from "@/lib/client/use-url-filters";
import { ACTOR_KINDS, type ActorKind, type SessionFilters as Filters, type sessionFilterFields } from "@/lib/shared/contracts/sessions";

export type ConnectionOption = { id: string; name: string };

type SessionFiltersProps = {
  filters: Filters;
  connections: ConnectionOption[];
  /** Off for people who may see only their own sessions: the server ignores the filter for them anyway. */
  canFilterByUser: boolean;
  isFiltered: boolean;
  onChange: SetFilter<typeof sessionFilterFields>;
  onClear: () => void;
};

const ACTOR_LABELS: Record<ActorKind, string> = { human: "People", agent: "AI agents", service: "Services" };

export function SessionFilters({ filters, connections, canFilterByUser, isFiltered, onChange, onClear }: SessionFiltersProps) {
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
            <NamedOptions items={connections} />
          </Select>
        )}
      </Field>
      <DateTimeFilterField label="Started from" value={filters.from} onChange={(v) => onChange("from", v)} />
      <DateTimeFilterField label="Started until" value={filters.to} onChange={(v) => onChange("to", v)} />
      <div className="flex items-end pb-2">
        <Checkbox label="With errors only" checked={filters.errors === "1"} onChange={(e) => onChange("errors", e.target.checked ? "1" : undefined)} />
      </div>
      {isFiltered && <ClearFiltersRow onClear={onClear} />}
    </form>
  );
}
