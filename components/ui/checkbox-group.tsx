"use client";

import clsx from "clsx";
import { useId, type ReactNode } from "react";
import { FieldError } from "./field";

export type CheckboxOption<V extends string> = { value: V; label: string };

type CheckboxGroupProps<V extends string> = {
  legend: ReactNode;
  hint?: ReactNode;
  options: readonly CheckboxOption<V>[];
  value: readonly V[];
  onChange: (next: V[]) => void;
  error?: string;
  columns?: 1 | 2 | 3;
  className?: string;
};

const COLUMNS = { 1: "", 2: "sm:grid-cols-2", 3: "sm:grid-cols-2 lg:grid-cols-3" } as const;

/**
 * A multi-select as a fieldset of checkboxes: every choice is visible, labelled and reachable by Tab.
 * The chosen values come back in the options' order, so the saved document does not depend on click order.
 */
export function CheckboxGroup<V extends string>({ legend, hint, options, value, onChange, error, columns = 2, className }: CheckboxGroupProps<V>) {
  const id = useId();
  const describedBy = [error && `${id}-error`, hint && `${id}-hint`].filter(Boolean).join(" ") || undefined;
  const toggle = (option: V, isChecked: boolean) => {
    const chosen = new Set(value);
    if (isChecked) chosen.add(option);
    else chosen.delete(option);
    onChange(options.map((o) => o.value).filter((v) => chosen.has(v)));
  };
  return (
    <fieldset aria-describedby={describedBy} className={clsx("space-y-1.5", className)}>
      <legend className="text-sm font-medium text-slate-800">{legend}</legend>
      {hint && (
        <p id={`${id}-hint`} className="text-xs text-slate-500">
          {hint}
        </p>
      )}
      <div className={clsx("grid gap-x-4 gap-y-1.5 pt-1", COLUMNS[columns])}>
        {options.map((option) => {
          const optionId = `${id}-${option.value}`;
          return (
            <div key={option.value} className="flex items-start gap-2">
              <input
                id={optionId}
                type="checkbox"
                checked={value.includes(option.value)}
                onChange={(e) => toggle(option.value, e.target.checked)}
                className="mt-0.5 h-4 w-4 shrink-0 rounded border-slate-300 accent-brand-600 focus-visible:outline-none focus-visible:ring-2 focus-visible:ring-brand-500 focus-visible:ring-offset-2"
              />
              <label htmlFor={optionId} className="text-sm text-slate-700">
                {option.label}
              </label>
            </div>
          );
        })}
      </div>
      {error && <FieldError id={`${id}-error`}>{error}</FieldError>}
    </fieldset>
  );
}
