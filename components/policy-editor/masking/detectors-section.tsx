"use client";

import { useId } from "react";
import { Card } from "@/components/ui/card";
import { Checkbox } from "@/components/ui/checkbox";
import { FieldError } from "@/components/ui/field";
import { Select } from "@/components/ui/select";
import type { SemanticTypeDefinition } from "@/lib/policy/masking";
import { DETECTORS, type MaskingPolicy } from "@/lib/policy/policy-document";
import { DETECTOR_INFO } from "./detector-info";
import { detectorSetting, updateDetector } from "./masking-draft";
import { SemanticTypeOptions } from "./semantic-type-options";

type DetectorsSectionProps = {
  masking: MaskingPolicy;
  types: readonly SemanticTypeDefinition[];
  onChange: (next: MaskingPolicy) => void;
  errors: Record<string, string>;
};

/** Content detectors on or off, each with the semantic type whose method masks what it finds. */
export function DetectorsSection({ masking, types, onChange, errors }: DetectorsSectionProps) {
  const idPrefix = useId();
  return (
    <Card
      title="Content detectors"
      description="Look inside values that no column rule or name pattern covers (free text, JSON, computed columns, error messages) and mask what they find, in place."
    >
      <ul aria-label="Content detectors" className="divide-y divide-slate-100">
        {DETECTORS.map((detector) => {
          const info = DETECTOR_INFO[detector];
          const setting = detectorSetting(masking, detector);
          const at = masking.detectors.findIndex((d) => d.detector === detector);
          const error = at >= 0 ? (errors[`masking.detectors.${at}.semanticType`] ?? errors[`masking.detectors.${at}`]) : undefined;
          return (
            <li key={detector} className="flex flex-wrap items-start justify-between gap-3 py-3 first:pt-0 last:pb-0">
              <Checkbox
                className="min-w-0 flex-1"
                label={<span id={`${idPrefix}-${detector}-label`}>{info.label}</span>}
                hint={info.description}
                checked={setting.isEnabled}
                onChange={(e) => onChange(updateDetector(masking, detector, { isEnabled: e.target.checked }))}
              />
              <div className="w-44 shrink-0 space-y-1">
                {/* Named apart from the checkbox, so the detector's label names the checkbox alone. */}
                <Select
                  aria-label="Masked as"
                  aria-describedby={`${idPrefix}-${detector}-label`}
                  aria-invalid={error ? true : undefined}
                  value={setting.semanticType}
                  disabled={!setting.isEnabled}
                  onChange={(e) => onChange(updateDetector(masking, detector, { semanticType: e.target.value }))}
                  className="w-full"
                >
                  <SemanticTypeOptions types={types} current={setting.semanticType} />
                </Select>
                {error && <FieldError>{error}</FieldError>}
              </div>
            </li>
          );
        })}
      </ul>
    </Card>
  );
}
