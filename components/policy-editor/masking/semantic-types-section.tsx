"use client";

import { useState, type FormEvent } from "react";
import { Button } from "@/components/ui/button";
import { Card } from "@/components/ui/card";
import { Field } from "@/components/ui/field";
import { Input } from "@/components/ui/input";
import { BUILT_IN_SEMANTIC_TYPES, isBuiltInSemanticType, listSemanticTypes } from "@/lib/policy/masking";
import { BUILT_IN_SEMANTIC_TYPE_IDS, semanticTypeSchema, type MaskingPolicy } from "@/lib/policy/policy-document";
import { addSemanticType, resetSemanticType, semanticTypeUses, suggestTypeId, updateSemanticType } from "./masking-draft";
import { SemanticTypeItem } from "./semantic-type-item";

type SemanticTypesSectionProps = {
  masking: MaskingPolicy;
  onChange: (next: MaskingPolicy) => void;
  errors: Record<string, string>;
};

/** Every type the policy can use, how each masks (with an example), and custom types of the admin's own. */
export function SemanticTypesSection({ masking, onChange, errors }: SemanticTypesSectionProps) {
  const [addedIds, setAddedIds] = useState<ReadonlySet<string>>(new Set());
  const types = listSemanticTypes(masking);
  return (
    <Card title="Semantic types" description="How each kind of data is masked, wherever a column rule, a name pattern or a detector gives a value that type.">
      <ul aria-label="Semantic types" className="space-y-2">
        {types.map((type) => (
          <li key={type.id}>
            <SemanticTypeItem
              type={type}
              isBuiltIn={isBuiltInSemanticType(type.id)}
              declaredAt={masking.semanticTypes.findIndex((t) => t.id === type.id)}
              transformedMethod={masking.semanticTypes.find((t) => t.id === type.id)?.transformedMethod ?? null}
              uses={semanticTypeUses(masking, type.id)}
              errors={errors}
              isInitiallyOpen={addedIds.has(type.id)}
              onChange={(change) => onChange(updateSemanticType(masking, type.id, change))}
              onReset={() => onChange(resetSemanticType(masking, type.id))}
            />
          </li>
        ))}
      </ul>
      <AddSemanticTypeForm
        taken={[...BUILT_IN_SEMANTIC_TYPE_IDS, ...masking.semanticTypes.map((t) => t.id)]}
        onAdd={(type) => {
          setAddedIds((prev) => new Set(prev).add(type.id));
          onChange(addSemanticType(masking, type));
        }}
      />
      {/* A label clash is legal but confusing in pickers: say so. */}
      {types.some((t, i) => types.findIndex((o) => o.label.trim().toLowerCase() === t.label.trim().toLowerCase()) !== i) && (
        <p className="mt-3 text-xs text-amber-800">Two types share a label; the pickers show their ids to tell them apart.</p>
      )}
    </Card>
  );
}

type AddSemanticTypeFormProps = { taken: string[]; onAdd: (type: { id: string; label: string; method: { algorithm: "full" } }) => void };

/** "Add a custom type": a label, an id suggested from it (rules name types by id, so it stays), masked in full at first. */
function AddSemanticTypeForm({ taken, onAdd }: AddSemanticTypeFormProps) {
  const [isOpen, setOpen] = useState(false);
  const [label, setLabel] = useState("");
  const [id, setId] = useState<string | null>(null);
  const [isTouched, setTouched] = useState(false);
  const effectiveId = id ?? suggestTypeId(label, taken);
  const parsed = semanticTypeSchema.safeParse({ id: effectiveId, label, method: { algorithm: "full" } });
  const idError = taken.includes(effectiveId)
    ? isBuiltInSemanticType(effectiveId)
      ? `“${effectiveId}” is a built-in type (${BUILT_IN_SEMANTIC_TYPES[effectiveId].label}): change it in the list above.`
      : `The policy already has a type “${effectiveId}”.`
    : parsed.success
      ? undefined
      : parsed.error.issues.find((i) => i.path[0] === "id")?.message;
  const labelError = parsed.success ? undefined : parsed.error.issues.find((i) => i.path[0] === "label")?.message;

  const submit = (event: FormEvent) => {
    event.preventDefault();
    setTouched(true);
    if (idError || labelError || !parsed.success) return;
    onAdd({ id: effectiveId, label: label.trim(), method: { algorithm: "full" } });
    setLabel("");
    setId(null);
    setTouched(false);
    setOpen(false);
  };

  if (!isOpen) {
    return (
      <div className="mt-4">
        <Button size="sm" onClick={() => setOpen(true)}>
          Add a custom type
        </Button>
      </div>
    );
  }
  return (
    <form aria-label="Add a custom type" onSubmit={submit} className="mt-4 space-y-3 rounded-md border border-slate-200 bg-slate-50 p-3">
      <div className="grid gap-3 sm:grid-cols-2">
        <Field label="Label" hint="What people call it: “Loyalty card number”." error={isTouched ? labelError : undefined}>
          {(control) => <Input {...control} autoFocus value={label} maxLength={100} onChange={(e) => setLabel(e.target.value)} />}
        </Field>
        <Field label="Id" hint="Rules name the type by it; it cannot change later." error={isTouched || id !== null ? idError : undefined}>
          {(control) => <Input {...control} className="font-mono" value={effectiveId} maxLength={40} spellCheck={false} onChange={(e) => setId(e.target.value)} />}
        </Field>
      </div>
      <p className="text-xs text-slate-500">It starts masked in full; choose its algorithm once it is added.</p>
      <div className="flex justify-end gap-2">
        <Button size="sm" variant="ghost" onClick={() => setOpen(false)}>
          Cancel
        </Button>
        <Button size="sm" type="submit" variant="primary">
          Add type
        </Button>
      </div>
    </form>
  );
}
