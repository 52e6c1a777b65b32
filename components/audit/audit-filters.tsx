"use client";

import { Field } from "@/components/ui/field";
import { ClearFiltersRow, DateTimeFilterField } from "@/components/ui/filter-fields";
import { FilterInput } from "@/components/ui/filter-input";
import { Select } from "@/components/ui/select";
import type { SetFilter } from "@/lib/client/use-url-filters";
import type { AuditFilters as Filters, auditFilterFields } from "@/lib/shared/contracts/audit";

type AuditFiltersProps = {
  filters: Filters;
  /** Every action recorded so far, from the API. */
  actions: string[];
  /** Target types seen in the loaded events, offered as suggestions. */
  targetTypes: string[];
  isFiltered: boolean;
  onChange: SetFilter<typeof auditFilterFields>;
  onClear: () => void;
};

export function AuditFilters({ filters, actions, targetTypes, isFiltered, onChange, onClear }: AuditFiltersProps) {
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
        {(control) => <FilterInput {...control} type="search" value={filters.q ?? ""} onCommit={(v) => onChange("q", v)} placeholder="SQL, target, action or actor" />}
      </Field>
      <DateTimeFilterField label="From" value={filters.from} onChange={(v) => onChange("from", v)} />
      <DateTimeFilterField label="To" value={filters.to} onChange={(v) => onChange("to", v)} />
      {isFiltered && <ClearFiltersRow onClear={onClear} />}
    </form>
  );
}
