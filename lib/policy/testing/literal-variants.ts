import { scanSync } from "libpg-query";

/**
 * Test helper: texts that differ from `sql` only in the value of one literal, of the same token type
 * (so they have the same shape, statement-shape.ts). The values are the ones classification rules
 * are known to look at (set_config's setting names, SQL text passed to query_to_xml, 1 = 1).
 */
const ALTERNATIVES: Record<string, string[]> = {
  SCONST: ["''", "'x'", "'role'", "'session_authorization'", "'search_path'", "'delete from orders'", "'select 1'"],
  ICONST: ["0", "1", "2", "42"],
  FCONST: ["0.5", "99999999999"],
  BCONST: ["b'0'"],
  XCONST: ["x'ff'"],
};

/** PostgreSQL's scanner's literal tokens in `sql`, in order: their token names and byte ranges. */
export function scannedLiterals(sql: string): { type: string; start: number; end: number }[] {
  return scanSync(sql)
    .tokens.map((t) => ({ type: tokenType(t.tokenName, t.text), start: t.start, end: t.end }))
    .filter((t) => t.type in ALTERNATIVES || t.type === "USCONST");
}

export function literalVariants(sql: string): string[] {
  let literals: ReturnType<typeof scannedLiterals>;
  try {
    literals = scannedLiterals(sql);
  } catch {
    return [];
  }
  const bytes = Buffer.from(sql, "utf8");
  const out = new Set<string>();
  for (const lit of literals) {
    for (const value of ALTERNATIVES[lit.type] ?? []) {
      out.add(Buffer.concat([bytes.subarray(0, lit.start), Buffer.from(value), bytes.subarray(lit.end)]).toString("utf8"));
    }
  }
  out.delete(sql);
  return [...out];
}

/** libpg-query names some token types UNKNOWN; bit, hex and Unicode strings are told by their prefix. */
function tokenType(name: string, text: string): string {
  if (name !== "UNKNOWN") return name;
  if (/^[bB]'/.test(text)) return "BCONST";
  if (/^[xX]'/.test(text)) return "XCONST";
  if (/^[uU]&'/.test(text)) return "USCONST";
  return name;
}
