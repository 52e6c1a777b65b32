import { execAll, type ContentDetector, type DetectedSpan } from "./detected-span";

/** AAA-GG-SSSS with dashes, not inside a longer run of digits and dashes. */
const SSN = /(?<!\d)(?<!\d-)(\d{3})-(\d{2})-(\d{4})(?!\d)(?!-\d)/g;

/**
 * US Social Security numbers written AAA-GG-SSSS, minus the ranges never issued: area 000, 666
 * and 900-999, group 00, serial 0000. Not caught: SSNs without dashes (nine bare digits look like
 * any other number) or with spaces.
 */
export function findUsSsns(text: string): DetectedSpan[] {
  if (!text.includes("-")) return [];
  const spans: DetectedSpan[] = [];
  for (const m of execAll(SSN, text)) {
    const area = m[1]!;
    const group = m[2]!;
    const serial = m[3]!;
    if (area === "000" || area === "666" || area[0] === "9" || group === "00" || serial === "0000") continue;
    spans.push({ start: m.index, end: m.index + m[0].length });
  }
  return spans;
}

export const usSsnDetector: ContentDetector = { name: "us_ssn", find: findUsSsns };
