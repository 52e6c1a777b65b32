/**
 * Masking: algorithms, semantic types, column matching, exemptions and content detectors. Pure and
 * browser-safe; the gateway injects the keyed hash from `./keyed-hash-node`.
 */
export { applyMaskingMethod, hashValue, maskInner, maskOuter, DEFAULT_FULL_REPLACEMENT, HASH_PREFIX } from "./algorithms";
export { DEFAULT_MASK_CHAR, VALUE_FORMATS, maskPartial, type ValueFormat } from "./partial-mask";
export { createMaskingContext, MIN_MASKING_KEY_BYTES, type HmacSha256, type MaskingContext } from "./masking-context";
export {
  BUILT_IN_SEMANTIC_TYPES,
  isBuiltInSemanticType,
  listSemanticTypes,
  defaultTransformedMethod,
  maskTransformed,
  maskValue,
  resolveSemanticType,
  transformedMethodOf,
  transformedTypeOf,
  type BuiltInSemanticTypeId,
  type SemanticTypeDefinition,
} from "./semantic-types";
export { createColumnMatcher, findColumnSemanticType, type ColumnMatch, type ColumnMatcher, type ColumnSource, type RuleMatch } from "./column-matching";
export { findActiveExemption, isExempt, type MaskingExemption } from "./exemptions";
export { CONTENT_DETECTORS, type ContentDetector, type DetectedSpan } from "./detectors";
export { maskDetected, resolveEnabledDetectors, type DetectionResult, type EnabledDetector } from "./mask-detected";
export { VALUE_CLASSES, builtInValueClass, isSearchedByDetectors, textValueClass, valueClassOfSendFunction, type ValueClass } from "./value-classes";
export {
  compileMaskingPolicy,
  maskColumnText,
  masksNothing,
  matchColumn,
  planColumn,
  type ColumnPlan,
  type CompiledMaskingPolicy,
  type MaskedText,
} from "./column-plan";
export { findMaskedSources, planLineageColumn, qualifiedSource, strongestTransformedType, UNDETERMINED_TYPE, type MaskedSource } from "./lineage-plan";
export { findCopiedSources, judgeLineage, touchesMaskedData, type LineageConcern, type LineageVerdict } from "./judge-lineage";
