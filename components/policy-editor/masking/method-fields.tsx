"use client";

import { Field } from "@/components/ui/field";
import { Input } from "@/components/ui/input";
import { IntegerInput } from "@/components/ui/integer-input";
import { Select } from "@/components/ui/select";
import { DEFAULT_FULL_REPLACEMENT, DEFAULT_MASK_CHAR } from "@/lib/policy/masking";
import { MASKING_ALGORITHMS, type MaskingAlgorithm, type MaskingMethod } from "@/lib/policy/policy-document";
import { ALGORITHM_LABELS, methodParameters, switchAlgorithm } from "./method-example";

type MethodFieldsProps = {
  method: MaskingMethod;
  onChange: (next: MaskingMethod) => void;
  /** JSON path of the method ("masking.semanticTypes.2.method"), for its fields' errors; null when not declared yet. */
  path: string | null;
  errors: Record<string, string>;
};

/** Sets or clears one optional parameter, leaving no `undefined` keys in the document. */
function withParameter<K extends "replacement" | "keepFirst" | "keepLast">(method: MaskingMethod, key: K, value: MaskingMethod[K] | null): MaskingMethod {
  const next = { ...method };
  if (value === null || value === undefined || value === "") delete next[key];
  else next[key] = value;
  return next;
}

/** The algorithm of a semantic type and the parameters it reads. */
export function MethodFields({ method, onChange, path, errors }: MethodFieldsProps) {
  const params = methodParameters(method.algorithm);
  const errorAt = (key: string) => (path ? errors[`${path}.${key}`] : undefined);
  // `outer` masks the bands at the ends; the others keep them.
  const endVerb = method.algorithm === "outer" ? "Mask" : "Keep";
  return (
    <div className="grid gap-3 sm:grid-cols-2">
      <Field label="Algorithm" error={errorAt("algorithm")} className="sm:col-span-2">
        {(control) => (
          <Select {...control} value={method.algorithm} onChange={(e) => onChange(switchAlgorithm(method, e.target.value as MaskingAlgorithm))}>
            {MASKING_ALGORITHMS.map((a) => (
              <option key={a} value={a}>
                {ALGORITHM_LABELS[a]}
              </option>
            ))}
          </Select>
        )}
      </Field>
      {params.replacement && (
        <Field
          label={params.replacement === "substitute" ? "Substitute" : "Mask character"}
          hint={params.replacement === "substitute" ? `Empty for “${DEFAULT_FULL_REPLACEMENT}”.` : `Empty for “${DEFAULT_MASK_CHAR}”.`}
          error={errorAt("replacement")}
        >
          {(control) => (
            <Input
              {...control}
              value={method.replacement ?? ""}
              maxLength={40}
              placeholder={params.replacement === "substitute" ? DEFAULT_FULL_REPLACEMENT : DEFAULT_MASK_CHAR}
              onChange={(e) => onChange(withParameter(method, "replacement", e.target.value))}
            />
          )}
        </Field>
      )}
      {params.hasEnds && (
        <>
          <Field label={`${endVerb} first`} hint="Characters at the start." error={errorAt("keepFirst")}>
            {(control) => <IntegerInput {...control} value={method.keepFirst ?? null} placeholder="0" onChange={(v) => onChange(withParameter(method, "keepFirst", v))} />}
          </Field>
          <Field label={`${endVerb} last`} hint="Characters at the end." error={errorAt("keepLast")}>
            {(control) => <IntegerInput {...control} value={method.keepLast ?? null} placeholder="0" onChange={(v) => onChange(withParameter(method, "keepLast", v))} />}
          </Field>
        </>
      )}
    </div>
  );
}
