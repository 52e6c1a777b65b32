/** "8h", "30m", "90s", "7d" (or a bare number of seconds) -> milliseconds. */
export function parseTtl(text: string): number | undefined {
  const m = /^\s*(\d+)\s*([smhd]?)\s*$/i.exec(text);
  if (!m) return undefined;
  const n = Number(m[1]);
  const unit = { "": 1000, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 }[m[2].toLowerCase() as "" | "s" | "m" | "h" | "d"];
  return n * unit;
}

export const DEFAULT_TOKEN_TTL_MS = 8 * 3_600_000;
export const MAX_TOKEN_TTL_MS = 90 * 86_400_000;
