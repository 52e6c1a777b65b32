import type { SemanticTypeDefinition } from "@/lib/policy/masking";

/**
 * The `<option>`s of a semantic-type picker: each by its label, and its id too when two share a label.
 * A value the list does not have (a type removed meanwhile) stays selectable, so the picker never
 * silently shows another type than the document holds.
 */
export function SemanticTypeOptions({ types, current }: { types: readonly SemanticTypeDefinition[]; current?: string }) {
  const labelCount = new Map<string, number>();
  for (const t of types) labelCount.set(t.label.trim().toLowerCase(), (labelCount.get(t.label.trim().toLowerCase()) ?? 0) + 1);
  return (
    <>
      {types.map((t) => (
        <option key={t.id} value={t.id}>
          {(labelCount.get(t.label.trim().toLowerCase()) ?? 0) > 1 || !t.label.trim() ? `${t.label} (${t.id})` : t.label}
        </option>
      ))}
      {current && !types.some((t) => t.id === current) && <option value={current}>{`Unknown type “${current}”`}</option>}
    </>
  );
}
