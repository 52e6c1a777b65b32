"use client";

import clsx from "clsx";
import { useId, useState } from "react";
import { Badge } from "@/components/ui/badge";
import { Button } from "@/components/ui/button";
import { Field } from "@/components/ui/field";
import { Input } from "@/components/ui/input";
import type { SemanticTypeDefinition } from "@/lib/policy/masking";
import { defaultTransformedMethod } from "@/lib/policy/masking/semantic-types";
import type { MaskingMethod } from "@/lib/policy/policy-document";
import { countIssuesUnder } from "../use-policy-draft";
import { MethodExampleLine } from "./method-example-line";
import { MethodFields } from "./method-fields";
import { TransformedMethodFields } from "./transformed-method-fields";

type SemanticTypeItemProps = {
  type: SemanticTypeDefinition;
  isBuiltIn: boolean;
  /** Index of the policy's declaration of this type (for its errors), or -1 when it is a built-in left as is. */
  declaredAt: number;
  /** The policy's mask for values computed from this type's columns; null: the default (full). */
  transformedMethod: MaskingMethod | null;
  uses: number;
  errors: Record<string, string>;
  isInitiallyOpen?: boolean;
  onChange: (change: { label?: string; method?: MaskingMethod; transformedMethod?: MaskingMethod | null }) => void;
  /** Built-in: back to its defaults; custom: remove it. */
  onReset: () => void;
};

/** One semantic type: its label and what its method makes of an example, with the method behind a disclosure. */
export function SemanticTypeItem({ type, isBuiltIn, declaredAt, transformedMethod, uses, errors, isInitiallyOpen = false, onChange, onReset }: SemanticTypeItemProps) {
  const [isOpen, setOpen] = useState(isInitiallyOpen);
  const bodyId = useId();
  const path = declaredAt >= 0 ? `masking.semanticTypes.${declaredAt}` : null;
  const issues = path ? countIssuesUnder(errors, path) : 0;
  const isChanged = isBuiltIn && declaredAt >= 0;
  return (
    <article aria-label={`Semantic type ${type.label}`} className={clsx("rounded-md border bg-white", issues > 0 ? "border-red-300" : "border-slate-200")}>
      <header className="flex flex-wrap items-start gap-3 px-3 py-2.5">
        <button
          type="button"
          aria-expanded={isOpen}
          aria-controls={bodyId}
          onClick={() => setOpen(!isOpen)}
          className="min-w-0 flex-1 rounded text-left focus-visible:outline-none focus-visible:ring-2 focus-visible:ring-brand-500"
        >
          <span className="flex flex-wrap items-center gap-2">
            <span className="text-sm font-medium text-slate-900">{type.label || <span className="text-slate-400 italic">No label</span>}</span>
            <code className="font-mono text-xs text-slate-500">{type.id}</code>
            {isBuiltIn ? <Badge>{isChanged ? "built-in, changed" : "built-in"}</Badge> : <Badge tone="brand">custom</Badge>}
            <Badge tone="neutral">{type.method.algorithm === "hash" ? "keyed hash" : type.method.algorithm}</Badge>
            {issues > 0 && <Badge tone="danger">{issues === 1 ? "1 problem" : `${issues} problems`}</Badge>}
            <span aria-hidden className="text-xs text-slate-400">{isOpen ? "▾" : "▸"}</span>
          </span>
        </button>
        <span className="shrink-0 text-xs text-slate-500">{uses === 0 ? "unused" : uses === 1 ? "used once" : `used ${uses} times`}</span>
      </header>
      <div className="px-3 pb-3">
        <MethodExampleLine type={type} />
      </div>
      <div id={bodyId} hidden={!isOpen} className="space-y-3 border-t border-slate-100 px-3 py-3">
        {isOpen && (
          <>
            {!isBuiltIn && (
              <Field label="Label" error={path ? errors[`${path}.label`] : undefined}>
                {(control) => <Input {...control} value={type.label} maxLength={100} onChange={(e) => onChange({ label: e.target.value })} />}
              </Field>
            )}
            <MethodFields method={type.method} path={path ? `${path}.method` : null} errors={errors} onChange={(method) => onChange({ method })} />
            <TransformedMethodFields
              method={transformedMethod}
              defaultMethod={defaultTransformedMethod(type.method)}
              path={path ? `${path}.transformedMethod` : null}
              errors={errors}
              onChange={(next) => onChange({ transformedMethod: next })}
            />
            {path && errors[`${path}.id`] && <p className="text-xs font-medium text-red-600">{errors[`${path}.id`]}</p>}
            <div className="flex items-center justify-end gap-3">
              {!isBuiltIn && uses > 0 && <p className="text-xs text-slate-500">In use: give its rules, patterns and detectors another type to remove it.</p>}
              {isBuiltIn ? (
                <Button size="sm" variant="ghost" onClick={onReset} disabled={!isChanged}>
                  Reset to default
                </Button>
              ) : (
                <Button
                  size="sm"
                  variant="ghost"
                  onClick={onReset}
                  disabled={uses > 0}
                  className="text-red-700 hover:bg-red-50 hover:text-red-800"
                >
                  Remove type
                </Button>
              )}
            </div>
          </>
        )}
      </div>
    </article>
  );
}
