import type { Detector, MaskingPolicy } from "../policy-document";
import { applyMaskingMethod } from "./algorithms";
import { CONTENT_DETECTORS, type DetectedSpan } from "./detectors";
import { detectorBit } from "./detectors/prefilter";
import type { MaskingContext } from "./masking-context";
import { resolveSemanticType, type SemanticTypeDefinition } from "./semantic-types";

/** A detector the policy turned on, with the semantic type whose method masks what it finds. */
export type EnabledDetector = { detector: Detector; semanticType: SemanticTypeDefinition };

export type DetectionResult = {
  /** The text with every finding masked; null when a finding's method is `null` (see below). */
  text: string | null;
  /** Detectors whose findings were masked, in the order they were enabled. */
  fired: Detector[];
};

/**
 * The policy's enabled detectors, resolved. Throws on a semantic type the policy does not define
 * (a validated document has none), so the caller fails closed instead of skipping the detector.
 */
export function resolveEnabledDetectors(masking: Pick<MaskingPolicy, "detectors" | "semanticTypes">): EnabledDetector[] {
  return masking.detectors
    .filter((d) => d.isEnabled)
    .map((d) => {
      const semanticType = resolveSemanticType(d.semanticType, masking);
      if (!semanticType) throw new Error(`Detector "${d.detector}" names unknown semantic type "${d.semanticType}".`);
      return { detector: d.detector, semanticType };
    });
}

/**
 * Masks every finding of the enabled detectors inside `text`. Findings can overlap (a PEM key
 * inside a service-account JSON value, a phone-shaped run inside a card number): the longest wins
 * and the others inside it are dropped, so each character is masked once, by the widest reading.
 *
 * A finding whose type's method is `null` nulls the whole text: the policy said such values must
 * not appear at all, and a cell that held one becomes SQL NULL. Callers masking message text (an
 * error's DETAIL) substitute their own placeholder.
 *
 * `possible` (a mask of detectorBit, from possibleDetectors over the text's bytes) skips the
 * detectors that cannot find anything in it; the result is the same as without it.
 */
export function maskDetected(text: string, detectors: readonly EnabledDetector[], ctx: MaskingContext, possible = -1): DetectionResult {
  const findings: (DetectedSpan & { rank: number })[] = [];
  for (let rank = 0; rank < detectors.length; rank++) {
    const d = detectors[rank]!;
    if ((possible & detectorBit(d.detector)) === 0) continue;
    for (const span of CONTENT_DETECTORS[d.detector].find(text)) findings.push({ start: span.start, end: span.end, rank });
  }
  if (findings.length === 0) return { text, fired: [] };
  if (findings.length === 1 && findings[0]!.end > findings[0]!.start) {
    // The usual finding: one detector, once; nothing to choose between.
    const f = findings[0]!;
    const d = detectors[f.rank]!;
    const masked = applyMaskingMethod(text.slice(f.start, f.end), d.semanticType.method, ctx, d.semanticType.format);
    return { text: masked === null ? null : text.slice(0, f.start) + masked + text.slice(f.end), fired: [d.detector] };
  }
  const chosen = chooseLongestDisjoint(findings).sort((a, b) => a.start - b.start);
  let out = "";
  let at = 0;
  for (const f of chosen) {
    const d = detectors[f.rank]!;
    const masked = applyMaskingMethod(text.slice(f.start, f.end), d.semanticType.method, ctx, d.semanticType.format);
    if (masked === null) return { text: null, fired: firedDetectors(detectors, chosen) };
    out += text.slice(at, f.start) + masked;
    at = f.end;
  }
  return { text: out + text.slice(at), fired: firedDetectors(detectors, chosen) };
}

/** Longest first; ties go to the earlier start, then to the detector enabled first. */
function chooseLongestDisjoint<T extends DetectedSpan & { rank: number }>(findings: T[]): T[] {
  const ordered = [...findings].sort((a, b) => b.end - b.start - (a.end - a.start) || a.start - b.start || a.rank - b.rank);
  const chosen: T[] = [];
  for (const f of ordered) {
    if (f.end <= f.start) continue;
    if (chosen.every((c) => f.end <= c.start || f.start >= c.end)) chosen.push(f);
  }
  return chosen;
}

function firedDetectors(detectors: readonly EnabledDetector[], chosen: readonly { rank: number }[]): Detector[] {
  const ranks = new Set(chosen.map((c) => c.rank));
  return [...new Set(detectors.filter((_, i) => ranks.has(i)).map((d) => d.detector))];
}
