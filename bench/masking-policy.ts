import { defaultPolicy, DETECTOR_SEMANTIC_TYPES } from "@/lib/policy/default-policy";
import { DETECTORS, policyDocumentSchema, type PolicyDocument } from "@/lib/policy/policy-document";
import { LARGE_TABLE, MASKED_COLUMNS } from "./large-table";

const SEMANTIC_TYPES: Record<(typeof MASKED_COLUMNS)[number], string> = { email: "email", phone: "phone", card_number: "card_number" };

/** The default guardrails and approval rules with no masking at all: the gateway's baseline. */
export function unmaskedPolicy(): PolicyDocument {
  const policy = defaultPolicy();
  return policyDocumentSchema.parse({ ...policy, masking: { semanticTypes: [], columnRules: [], namePatterns: [], detectors: [], exemptions: [] } });
}

/** The baseline plus column rules masking the large table's three personal columns (no content detectors). */
export function maskedLargeTablePolicy(): PolicyDocument {
  const policy = unmaskedPolicy();
  return policyDocumentSchema.parse({
    ...policy,
    masking: {
      ...policy.masking,
      columnRules: MASKED_COLUMNS.map((column) => ({ column: `public.${LARGE_TABLE}.${column}`, semanticType: SEMANTIC_TYPES[column] })),
    },
  });
}

/** The baseline with every content detector turned on (the default policy turns on some of them) and no column rules. */
export function everyDetectorPolicy(): PolicyDocument {
  const policy = unmaskedPolicy();
  return policyDocumentSchema.parse({
    ...policy,
    masking: { ...policy.masking, detectors: DETECTORS.map((detector) => ({ detector, isEnabled: true, semanticType: DETECTOR_SEMANTIC_TYPES[detector] })) },
  });
}
