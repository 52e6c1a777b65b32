import type { Detector } from "../../policy-document";

/** Where a detector found something: UTF-16 offsets into the text, `end` exclusive (for `slice`). */
export type DetectedSpan = { start: number; end: number };

/**
 * A content detector: finds sensitive substrings anywhere in a text, so that a value inside a
 * larger one (`row_to_json` output, an error's DETAIL, a log line) can be masked in place.
 */
export type ContentDetector = {
  readonly name: Detector;
  find(text: string): DetectedSpan[];
};

/** Sorts spans and fuses those that overlap or touch, for detectors with several patterns. */
export function mergeSpans(spans: readonly DetectedSpan[]): DetectedSpan[] {
  const sorted = [...spans].sort((a, b) => a.start - b.start || b.end - a.end);
  const merged: DetectedSpan[] = [];
  for (const s of sorted) {
    const last = merged[merged.length - 1];
    if (last && s.start <= last.end) last.end = Math.max(last.end, s.end);
    else merged.push({ start: s.start, end: s.end });
  }
  return merged;
}

/** The spans of a regex's first capture group (or whole match), for patterns that carry context. */
export function findRegexSpans(text: string, regex: RegExp): DetectedSpan[] {
  if (!regex.global || !regex.hasIndices) throw new Error("findRegexSpans needs a regex with the g and d flags.");
  const spans: DetectedSpan[] = [];
  for (const m of text.matchAll(regex)) {
    const [start, end] = m.indices?.[1] ?? m.indices![0];
    spans.push({ start, end });
  }
  return spans;
}
