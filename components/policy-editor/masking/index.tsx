"use client";

import { useMemo, useState } from "react";
import { useConnectionSchema } from "@/lib/client/connections";
import { listSemanticTypes } from "@/lib/policy/masking";
import type { MaskingPolicy } from "@/lib/policy/policy-document";
import type { SchemaDto } from "@/lib/shared/contracts/connections";
import { DetectorsSection } from "./detectors-section";
import { ExemptionsSection } from "./exemptions-section";
import { LineageSection } from "./lineage-section";
import { LineageTry } from "./lineage-try";
import { MaskedColumnsCard } from "./masked-columns-card";
import { findChangedColumn } from "./masking-draft";
import { MaskingPreview, type PreviewHighlight, type PreviewTable } from "./masking-preview";
import { NamePatternsSection } from "./name-patterns-section";
import { SemanticTypesSection } from "./semantic-types-section";

/**
 * The masking part of the policy editor: it receives the draft's masking section, a setter and the
 * draft's errors (masking's paths start with "masking."). It reads the connection's schema and the
 * live preview only once its tab has been opened, since both connect to the target.
 */
export type MaskingEditorProps = {
  connectionId: string;
  isActive: boolean;
  masking: MaskingPolicy;
  onChange: (next: MaskingPolicy) => void;
  errors: Record<string, string>;
};

/** The first table with a column rule, else the first table: what the preview opens on. */
function defaultPreviewTable(schema: SchemaDto | undefined, masking: MaskingPolicy): PreviewTable | null {
  const tables = schema?.schemas.flatMap((s) => s.tables) ?? [];
  const ruled = new Set(masking.columnRules.map((r) => r.column.toLowerCase().split(".").slice(0, 2).join(".")));
  const pick = tables.find((t) => ruled.has(`${t.schema}.${t.name}`.toLowerCase())) ?? tables[0];
  return pick ? { schema: pick.schema, name: pick.name } : null;
}

export function MaskingEditor({ connectionId, isActive, masking, onChange, errors }: MaskingEditorProps) {
  const [hasBeenActive, setHasBeenActive] = useState(isActive);
  if (isActive && !hasBeenActive) setHasBeenActive(true);
  const schema = useConnectionSchema(connectionId, { isEnabled: hasBeenActive });
  const [selectedColumn, setSelectedColumn] = useState<string | null>(null);
  const [chosenTable, setChosenTable] = useState<PreviewTable | null>(null);
  // The column whose rule was just changed: the preview scrolls to it and marks it.
  const [highlight, setHighlight] = useState<PreviewHighlight | null>(null);
  const types = useMemo(() => listSemanticTypes(masking), [masking]);
  const hasProblems = Object.keys(errors).some((path) => path === "masking" || path.startsWith("masking."));
  const previewTable = chosenTable ?? defaultPreviewTable(schema.data, masking);

  return (
    <div className="grid grid-cols-1 gap-5 lg:grid-cols-[minmax(0,5fr)_minmax(0,7fr)]">
      <div className="min-w-0 lg:sticky lg:top-4 lg:max-h-[calc(100vh-2rem)] lg:self-start lg:overflow-y-auto">
        <MaskedColumnsCard
          schema={schema}
          masking={masking}
          types={types}
          errors={errors}
          onChange={(next) => {
            const column = findChangedColumn(masking, next);
            if (column) setHighlight((prev) => ({ column, nonce: (prev?.nonce ?? 0) + 1 }));
            onChange(next);
          }}
          selected={selectedColumn}
          onSelect={(column, table) => {
            setSelectedColumn(column);
            if (table) setChosenTable({ schema: table.schema, name: table.name });
          }}
          onOpenTable={(table) => setChosenTable({ schema: table.schema, name: table.name })}
        />
      </div>
      <div className="min-w-0 space-y-5">
        {hasBeenActive && (
          <MaskingPreview
            connectionId={connectionId}
            masking={masking}
            hasProblems={hasProblems}
            schema={schema.data ?? null}
            table={previewTable}
            onTableChange={setChosenTable}
            types={types}
            highlight={highlight}
          />
        )}
        <SemanticTypesSection masking={masking} onChange={onChange} errors={errors} />
        <DetectorsSection masking={masking} types={types} onChange={onChange} errors={errors} />
        <LineageSection masking={masking} onChange={onChange} errors={errors} />
        {hasBeenActive && <LineageTry connectionId={connectionId} masking={masking} hasProblems={hasProblems} />}
        <NamePatternsSection masking={masking} types={types} schema={schema.data ?? null} onChange={onChange} errors={errors} />
        <ExemptionsSection masking={masking} onChange={onChange} errors={errors} />
      </div>
    </div>
  );
}
