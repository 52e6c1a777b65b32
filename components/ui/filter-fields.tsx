"use client";

import { Button } from "./button";
import { fromDateTimeLocal, toDateTimeLocal } from "./datetime-local";
import { Field } from "./field";
import { FilterInput } from "./filter-input";

/** A filter on an instant: the viewer picks local time; the filter holds an ISO instant (undefined when empty). */
export function DateTimeFilterField({ label, value, onChange }: { label: string; value: string | undefined; onChange: (iso: string | undefined) => void }) {
  return (
    <Field label={label}>
      {(control) => <FilterInput {...control} type="datetime-local" value={toDateTimeLocal(value)} onCommit={(v) => onChange(fromDateTimeLocal(v))} />}
    </Field>
  );
}

/** The row under a filter grid that clears every filter; spans the grid's columns. */
export function ClearFiltersRow({ onClear }: { onClear: () => void }) {
  return (
    <div className="sm:col-span-2 lg:col-span-3 xl:col-span-6">
      <Button size="sm" variant="ghost" onClick={onClear}>
        Clear filters
      </Button>
    </div>
  );
}

/** `<option>`s for things listed by id and shown by name (connections). */
export function NamedOptions({ items }: { items: readonly { id: string; name: string }[] }) {
  return items.map((item) => (
    <option key={item.id} value={item.id}>
      {item.name}
    </option>
  ));
}
