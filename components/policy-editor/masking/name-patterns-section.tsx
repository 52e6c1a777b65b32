"use client";

import { useMemo, useState, type FormEvent } from "react";
import { Button } from "@/components/ui/button";
import { Card } from "@/components/ui/card";
import { Field, FieldError } from "@/components/ui/field";
import { Input } from "@/components/ui/input";
import { Select } from "@/components/ui/select";
import { createColumnMatcher, type SemanticTypeDefinition } from "@/lib/policy/masking";
import type { MaskingPolicy } from "@/lib/policy/policy-document";
import type { SchemaDto } from "@/lib/shared/contracts/connections";
import { moveItem } from "../new-rules";
import { SemanticTypeOptions } from "./semantic-type-options";

type NamePatternsSectionProps = {
  masking: MaskingPolicy;
  types: readonly SemanticTypeDefinition[];
  /** The target's schema, to say which columns a pattern matches; null while it loads. */
  schema: SchemaDto | null;
  onChange: (next: MaskingPolicy) => void;
  errors: Record<string, string>;
};

/** The columns of the schema whose name a pattern matches, as `table.column`. */
function columnsMatching(schema: SchemaDto, pattern: string): string[] {
  if (!pattern.trim()) return [];
  const matches = createColumnMatcher({ columnRules: [], namePatterns: [{ pattern, semanticType: "x" }] });
  return schema.schemas.flatMap((s) => s.tables.flatMap((t) => t.columns.filter((c) => matches(null, c.name)).map((c) => `${t.name}.${c.name}`)));
}

/** Column-name globs -> semantic type, in the order they are tried. */
export function NamePatternsSection({ masking, types, schema, onChange, errors }: NamePatternsSectionProps) {
  const patterns = masking.namePatterns;
  const setPatterns = (namePatterns: MaskingPolicy["namePatterns"]) => onChange({ ...masking, namePatterns });
  return (
    <Card
      title="Column-name patterns"
      description="Mask columns by name in every table, view and computed result: * is any run of characters, ? one; case does not matter. A column rule wins over a pattern; the first pattern that matches decides."
    >
      {patterns.length > 0 && (
        <ol aria-label="Column-name patterns" className="mb-4 space-y-2">
          {patterns.map((p, i) => (
            <PatternRow
              key={i}
              index={i}
              count={patterns.length}
              pattern={p}
              types={types}
              matches={schema ? columnsMatching(schema, p.pattern) : null}
              errors={errors}
              onChange={(next) => setPatterns(patterns.map((q, j) => (j === i ? next : q)))}
              onMove={(to) => setPatterns(moveItem(patterns, i, to))}
              onRemove={() => setPatterns(patterns.filter((_, j) => j !== i))}
            />
          ))}
        </ol>
      )}
      <AddPatternForm types={types} onAdd={(p) => setPatterns([...patterns, p])} />
    </Card>
  );
}

type Pattern = MaskingPolicy["namePatterns"][number];

type PatternRowProps = {
  index: number;
  count: number;
  pattern: Pattern;
  types: readonly SemanticTypeDefinition[];
  matches: string[] | null;
  errors: Record<string, string>;
  onChange: (next: Pattern) => void;
  onMove: (to: number) => void;
  onRemove: () => void;
};

function PatternRow({ index, count, pattern, types, matches, errors, onChange, onMove, onRemove }: PatternRowProps) {
  const path = `masking.namePatterns.${index}`;
  const error = errors[`${path}.pattern`] ?? errors[`${path}.semanticType`] ?? errors[path];
  const name = pattern.pattern.trim() || `${index + 1}`;
  return (
    <li className="rounded-md border border-slate-200 p-2.5">
      <div className="flex flex-wrap items-center gap-2">
        <div className="min-w-32 flex-1">
          <Input
            aria-label={`Pattern ${index + 1}`}
            aria-invalid={errors[`${path}.pattern`] ? true : undefined}
            className="font-mono"
            value={pattern.pattern}
            spellCheck={false}
            maxLength={200}
            onChange={(e) => onChange({ ...pattern, pattern: e.target.value })}
          />
        </div>
        <span aria-hidden className="text-slate-400">→</span>
        <div className="w-44">
          <Select aria-label={`Type for pattern ${name}`} value={pattern.semanticType} onChange={(e) => onChange({ ...pattern, semanticType: e.target.value })}>
            <SemanticTypeOptions types={types} current={pattern.semanticType} />
          </Select>
        </div>
        <span className="ml-auto flex items-center gap-1">
          <Button size="sm" variant="ghost" onClick={() => onMove(index - 1)} disabled={index === 0} aria-label={`Move pattern ${name} up`}>
            <span aria-hidden>↑</span>
          </Button>
          <Button size="sm" variant="ghost" onClick={() => onMove(index + 1)} disabled={index === count - 1} aria-label={`Move pattern ${name} down`}>
            <span aria-hidden>↓</span>
          </Button>
          <Button size="sm" variant="ghost" onClick={onRemove} aria-label={`Remove pattern ${name}`} className="text-red-700 hover:bg-red-50 hover:text-red-800">
            Remove
          </Button>
        </span>
      </div>
      {error && (
        <div className="mt-1.5">
          <FieldError>{error}</FieldError>
        </div>
      )}
      {matches && (
        <p className="mt-1.5 text-xs text-slate-500">
          {matches.length === 0
            ? "Matches no column in this schema (it still applies to computed results and columns added later)."
            : `Matches ${matches.length === 1 ? "1 column" : `${matches.length} columns`}: ${matches.slice(0, 6).join(", ")}${matches.length > 6 ? ", …" : ""}`}
        </p>
      )}
    </li>
  );
}

function AddPatternForm({ types, onAdd }: { types: readonly SemanticTypeDefinition[]; onAdd: (p: Pattern) => void }) {
  const [pattern, setPattern] = useState("");
  const [semanticType, setSemanticType] = useState(types[0]?.id ?? "");
  const [isTouched, setTouched] = useState(false);
  const error = isTouched && !pattern.trim() ? "Write a pattern such as *email* or ssn_?." : undefined;
  const hasType = useMemo(() => types.some((t) => t.id === semanticType), [types, semanticType]);
  const submit = (event: FormEvent) => {
    event.preventDefault();
    setTouched(true);
    if (!pattern.trim() || !hasType) return;
    onAdd({ pattern: pattern.trim(), semanticType });
    setPattern("");
    setTouched(false);
  };
  return (
    <form aria-label="Add a column-name pattern" onSubmit={submit} className="flex flex-wrap items-start gap-3">
      <Field label="New pattern" error={error} className="w-44">
        {(control) => <Input {...control} className="font-mono" value={pattern} placeholder="*email*" spellCheck={false} maxLength={200} onChange={(e) => setPattern(e.target.value)} />}
      </Field>
      <Field label="Masked as" className="w-44">
        {(control) => (
          <Select {...control} value={hasType ? semanticType : ""} onChange={(e) => setSemanticType(e.target.value)}>
            <SemanticTypeOptions types={types} />
          </Select>
        )}
      </Field>
      {/* Level with the inputs, under their labels, with or without an error below them. */}
      <Button type="submit" className="mt-[1.625rem]">
        Add pattern
      </Button>
    </form>
  );
}
