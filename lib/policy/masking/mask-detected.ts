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
  const chosen = findDetected(text, detectors, possible);
  if (chosen.length === 0) return { text, fired: [] };
  return { text: applyFindings(text, chosen, detectors, ctx), fired: firedDetectors(detectors, chosen) };
}

/** Each enabled detector's detectorBit, by rank, worked out once per list of detectors (a policy compiles one). */
const BITS = new WeakMap<readonly EnabledDetector[], number[]>();
function bitsOf(detectors: readonly EnabledDetector[]): number[] {
  let bits = BITS.get(detectors);
  if (!bits) BITS.set(detectors, (bits = detectors.map((d) => detectorBit(d.detector))));
  return bits;
}

/** A finding maskDetected masks: where, and the rank (index) of its detector among the enabled ones. */
export type RankedSpan = DetectedSpan & { rank: number };

/**
 * The findings maskDetected masks, in text order: the longest of overlapping ones, none empty.
 * For a caller that masks them itself (the gateway, on a value's bytes), with the same result.
 */
export function findDetected(text: string, detectors: readonly EnabledDetector[], possible = -1): RankedSpan[] {
  const findings: RankedSpan[] = [];
  const bits = bitsOf(detectors);
  for (let rank = 0; rank < detectors.length; rank++) {
    if ((possible & bits[rank]!) === 0) continue;
    addFindings(findings, CONTENT_DETECTORS[detectors[rank]!.detector].find(text), rank);
  }
  return chooseFindings(findings);
}

/**
 * findDetected over a value's bytes, all ASCII (so offsets in its text are byte offsets, counted
 * from `start`): detectors that can search bytes (findInAscii) do, and the text is decoded, by
 * `decode`, only for the others, once. The gateway's hot path: a value with cards and addresses
 * only is never made into a string.
 */
export function findDetectedInAscii<B extends Uint8Array>(bytes: B, start: number, end: number, detectors: readonly EnabledDetector[], possible: number, decode: (bytes: B, start: number, end: number) => string): RankedSpan[] {
  const findings: RankedSpan[] = [];
  const bits = bitsOf(detectors);
  let text: string | null = null;
  for (let rank = 0; rank < detectors.length; rank++) {
    if ((possible & bits[rank]!) === 0) continue;
    const detector = CONTENT_DETECTORS[detectors[rank]!.detector];
    addFindings(findings, detector.findInAscii ? detector.findInAscii(bytes, start, end) : detector.find((text ??= decode(bytes, start, end))), rank);
  }
  return chooseFindings(findings);
}

function addFindings(findings: RankedSpan[], spans: readonly DetectedSpan[], rank: number): void {
  for (let k = 0; k < spans.length; k++) {
    const span = spans[k]!;
    if (span.end > span.start) findings.push({ start: span.start, end: span.end, rank });
  }
}

function chooseFindings(findings: RankedSpan[]): RankedSpan[] {
  // The usual case, one finding (or none), needs no choosing.
  if (findings.length < 2) return findings;
  return chooseLongestDisjoint(findings).sort((a, b) => a.start - b.start);
}

/** The text with each of findDetected's findings masked by its type's method; null when one's method is `null`. */
export function applyFindings(text: string, chosen: readonly RankedSpan[], detectors: readonly EnabledDetector[], ctx: MaskingContext): string | null {
  let out = "";
  let at = 0;
  for (const f of chosen) {
    const d = detectors[f.rank]!;
    const masked = applyMaskingMethod(text.slice(f.start, f.end), d.semanticType.method, ctx, d.semanticType.format);
    if (masked === null) return null;
    out += text.slice(at, f.start) + masked;
    at = f.end;
  }
  return out + text.slice(at);
}

/** The detectors of findDetected's findings, each once, in the order they were enabled. */
export function firedDetectors(detectors: readonly EnabledDetector[], chosen: readonly { rank: number }[]): Detector[] {
  if (chosen.length === 1) return [detectors[chosen[0]!.rank]!.detector];
  const ranks = new Set(chosen.map((c) => c.rank));
  return [...new Set(detectors.filter((_, i) => ranks.has(i)).map((d) => d.detector))];
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
