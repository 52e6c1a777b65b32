"use client";

import { Checkbox } from "@/components/ui/checkbox";
import type { MaskingMethod } from "@/lib/policy/policy-document";
import { describeMethod } from "../describe-masking-change";
import { MethodFields } from "./method-fields";

type TransformedMethodFieldsProps = {
  /** The policy's own mask for transformed values, or null for the default. */
  method: MaskingMethod | null;
  /** What applies without one (full, keeping a full method's own substitute). */
  defaultMethod: MaskingMethod;
  /** JSON path ("masking.semanticTypes.2.transformedMethod"); null while the type is not declared. */
  path: string | null;
  errors: Record<string, string>;
  onChange: (next: MaskingMethod | null) => void;
};

/**
 * "Transformed values": how a value computed from the type's column (reverse(email), email || '')
 * is masked. Its shape is no longer the type's, so a partial mask would show the wrong characters:
 * full by default, or a method of the admin's choosing.
 */
export function TransformedMethodFields({ method, defaultMethod, path, errors, onChange }: TransformedMethodFieldsProps) {
  return (
    <fieldset className="space-y-3 rounded-md border border-slate-100 bg-slate-50 p-3">
      <legend className="px-1 text-sm font-medium text-slate-800">Transformed values</legend>
      <Checkbox
        label="Mask values computed from this type's columns differently"
        hint={method ? "reverse(email), email || '' and the like get the method below." : `reverse(email), email || '' and the like are masked ${describeMethod(defaultMethod)}.`}
        checked={method !== null}
        onChange={(e) => onChange(e.target.checked ? defaultMethod : null)}
      />
      {method && <MethodFields method={method} path={path} errors={errors} onChange={onChange} />}
    </fieldset>
  );
}
