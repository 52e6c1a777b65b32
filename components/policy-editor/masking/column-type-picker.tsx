"use client";

import { useEffect, useRef } from "react";
import { Button } from "@/components/ui/button";
import { Field } from "@/components/ui/field";
import { Select } from "@/components/ui/select";
import type { ColumnMatch, SemanticTypeDefinition } from "@/lib/policy/masking";
import { MethodExampleLine } from "./method-example-line";
import { SemanticTypeOptions } from "./semantic-type-options";

type ColumnTypePickerProps = {
  /** `schema.table.column`. */
  column: string;
  /** The column's own rule's type, or null when it has none. */
  ruleType: string | null;
  /** A name pattern that would mask the column when it has no rule. */
  patternMatch: ColumnMatch | null;
  /** Some content detector is on, so values without a rule are still searched. */
  hasDetectors: boolean;
  types: readonly SemanticTypeDefinition[];
  error?: string;
  onChange: (semanticType: string | null) => void;
  onClose: () => void;
};

/** Gives one column a semantic type (a column rule), or takes its rule away. Applied to the draft at once. */
export function ColumnTypePicker({ column, ruleType, patternMatch, hasDetectors, types, error, onChange, onClose }: ColumnTypePickerProps) {
  const select = useRef<HTMLSelectElement>(null);
  useEffect(() => select.current?.focus(), []);
  const type = ruleType ? types.find((t) => t.id === ruleType) : undefined;
  const patternType = patternMatch ? types.find((t) => t.id === patternMatch.semanticType) : undefined;
  return (
    <div
      role="group"
      aria-label={`Masking of ${column}`}
      onKeyDown={(e) => {
        if (e.key === "Escape") onClose();
      }}
      className="space-y-2 rounded-md border border-brand-100 bg-brand-50/50 p-3 font-sans"
    >
      <p className="font-mono text-xs text-slate-600">{column}</p>
      <Field
        label="Semantic type"
        error={error}
        hint={
          patternMatch && patternType
            ? `Without a rule, pattern “${patternMatch.rule}” masks it as ${patternType.label}.`
            : hasDetectors
              ? "Without a rule, only the content detectors look at its values."
              : "Without a rule, its values pass unmasked: no content detector is on."
        }
      >
        {(control) => (
          <Select {...control} ref={select} value={ruleType ?? ""} onChange={(e) => onChange(e.target.value === "" ? null : e.target.value)}>
            <option value="">No column rule</option>
            <SemanticTypeOptions types={types} current={ruleType ?? undefined} />
          </Select>
        )}
      </Field>
      {type && <MethodExampleLine type={type} />}
      <div className="flex justify-end gap-2">
        <Button size="sm" variant="ghost" onClick={() => onChange(null)} disabled={ruleType === null}>
          Remove rule
        </Button>
        <Button size="sm" onClick={onClose}>
          Done
        </Button>
      </div>
    </div>
  );
}
