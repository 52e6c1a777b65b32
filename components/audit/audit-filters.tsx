"use client";

import { Button } from "@/components/ui/button";
import { Field } from "@/components/ui/field";
import { Select } from "@/components/ui/select";
import type { AuditFilters as Filters } from "@/lib/client/audit";
import { fromDateTimeLocal, hasAuditFilters, toDateTimeLocal } from "./audit-filters-url";
import { FilterInput } from "./filter-input";

type AuditFiltersProps = {
  filters: Filters;
  /** Every action recorded so far, from the API. */
  actions: string[];
  /** Target types seen in the loaded events, offered as suggestions. */
  targetTypes: string[];
  onChange: (key: keyof Filters, value: string | undefined) => void;
  onClear: () => void;
};

export function AuditFilters({ filters, actions, targetTypes, onChange, onClear }: AuditFiltersProps) {
  // Keep a selected action listed even before the list has loaded.
  const actionOptions = filters.action && !actions.includes(filters.action) ? [filters.action, ...actions] : actions;
  return (
    <form role="search" aria-label="Audit log filters" onSubmit={(e) => e.preventDefault()} className="grid gap-4 sm:grid-cols-2 lg:grid-cols-3 xl:grid-cols-6">
      <Field label="Actor">
        {(control) => <FilterInput {...control} value={filters.actor ?? ""} onCommit={(v) => onChange("actor", v)} placeholder="alice@example.com" spellCheck={false} />}
      </Field>
      <Field label="Action">
        {(control) => (
          <Select {...control} value={filters.action ?? ""} onChange={(e) => onChange("action", e.target.value || undefined)}>
            <option value="">All actions</option>
            {actionOptions.map((action) => (
              <option key={action} value={action}>
                {action}
              </option>
            ))}
          </Select>
        )}
      </Field>
      <Field label="Target type">
        {(control) => (
          <>
            <FilterInput {...control} value={filters.targetType ?? ""} onCommit={(v) => onChange("targetType", v)} list="audit-target-types" placeholder="connection" spellCheck={false} />
            <datalist id="audit-target-types">
              {targetTypes.map((t) => (
                <option key={t} value={t} />
              ))}
            </datalist>
          </>
        )}
      </Field>
      <Field label="Search">
        {(control) => <FilterInput {...control} type="search" value={filters.q ?? ""} onCommit={(v) => onChange("q", v)} placeholder="Target, action or actor" />}
      </Field>
      <Field label="From">
        {(control) => <FilterInput {...control} type="datetime-local" value={toDateTimeLocal(filters.from)} onCommit={(v) => onChange("from", fromDateTimeLocal(v))} />}
      </Field>
      <Field label="To">
        {(control) => <FilterInput {...control} type="datetime-local" value={toDateTimeLocal(filters.to)} onCommit={(v) => onChange("to", fromDateTimeLocal(v))} />}
      </Field>
      {hasAuditFilters(filters) && (
        <div className="sm:col-span-2 lg:col-span-3 xl:col-span-6">
          <Button size="sm" variant="ghost" onClick={onClear}>
            Clear filters
          </Button>
        </div>
      )}
    </form>
  );
}
