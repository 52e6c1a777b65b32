"use client";

import { Field } from "@/components/ui/field";
import { ClearFiltersRow, DateTimeFilterField } from "@/components/ui/filter-fields";
import { FilterInput } from "@/components/ui/filter-input";
import { Select } from "@/components/ui/select";
import type { SetFilter } from "@/lib/client/use-url-filters";
import { STATEMENT_KINDS } from "@/lib/policy/statement-kind";
import { STATEMENT_DECISION_FILTERS, type StatementSearchFilters, type statementSearchFields } from "@/lib/shared/contracts/statement-search";
import { DECISION_LABELS } from "./decision-badge";

type StatementSearchFiltersProps = {
  filters: StatementSearchFilters;
  /** Off for people who may see only their own sessions: the server ignores the filter for them anyway. */
  canFilterByUser: boolean;
  onChange: SetFilter<typeof statementSearchFields>;
  onClear: () => void;
};

/** What narrows a statement search (the text itself is in the search box above). */
export function StatementSearchFiltersForm({ filters, canFilterByUser, onChange, onClear }: StatementSearchFiltersProps) {
  const isNarrowed = Boolean(filters.decision || filters.kind || filters.agent || filters.user || filters.from || filters.to);
  return (
    <form role="search" aria-label="Statement search filters" onSubmit={(e) => e.preventDefault()} className="grid gap-4 sm:grid-cols-2 lg:grid-cols-3 xl:grid-cols-6">
      <Field label="Decision">
        {(control) => (
          <Select {...control} value={filters.decision ?? ""} onChange={(e) => onChange("decision", (e.target.value || undefined) as StatementSearchFilters["decision"])}>
            <option value="">Any decision</option>
            {STATEMENT_DECISION_FILTERS.map((d) => (
              <option key={d} value={d}>
                {DECISION_LABELS[d]}
              </option>
            ))}
          </Select>
        )}
      </Field>
      <Field label="Kind">
        {(control) => (
          <Select {...control} value={filters.kind ?? ""} onChange={(e) => onChange("kind", e.target.value || undefined)}>
            <option value="">Any kind</option>
            {STATEMENT_KINDS.map((k) => (
              <option key={k} value={k}>
                {k}
              </option>
            ))}
          </Select>
        )}
      </Field>
      <Field label="Agent" hint="Part of the agent's name.">
        {(control) => <FilterInput {...control} value={filters.agent ?? ""} onCommit={(v) => onChange("agent", v.trim() || undefined)} placeholder="claude" spellCheck={false} autoCapitalize="off" />}
      </Field>
      {canFilterByUser && (
        <Field label="User" hint="Part of the user name.">
          {(control) => <FilterInput {...control} value={filters.user ?? ""} onCommit={(v) => onChange("user", v.trim() || undefined)} placeholder="dev@" spellCheck={false} autoCapitalize="off" />}
        </Field>
      )}
      <DateTimeFilterField label="Run from" value={filters.from} onChange={(v) => onChange("from", v)} />
      <DateTimeFilterField label="Run until" value={filters.to} onChange={(v) => onChange("to", v)} />
      {isNarrowed && <ClearFiltersRow onClear={onClear} />}
    </form>
  );
}
