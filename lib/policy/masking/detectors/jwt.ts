import { execAll, type ContentDetector, type DetectedSpan } from "./detected-span";

/**
 * Three base64url segments (five for an encrypted JWT), the first starting with "e" as every
 * base64 JSON object does ("{" encodes to "e"). The payload and signature may be empty (unsecured
 * and detached-payload tokens).
 */
const JWT_CANDIDATE =
  /(?<![A-Za-z0-9_.-])(e[A-Za-z0-9_-]{9,})\.[A-Za-z0-9_-]*\.[A-Za-z0-9_-]*(?:\.[A-Za-z0-9_-]*\.[A-Za-z0-9_-]*)?(?![A-Za-z0-9_-])/g;

/** Longer headers are not JWT headers; refusing them bounds the decoding work per candidate. */
const MAX_HEADER_CHARS = 4096;

/**
 * JSON Web Tokens (JWS and JWE compact form): a candidate counts only when its header decodes to a
 * JSON object with a string "alg", which random base64 and dotted names (a.b.c) never do.
 */
export function findJwts(text: string): DetectedSpan[] {
  if (!text.includes(".")) return [];
  const spans: DetectedSpan[] = [];
  for (const m of execAll(JWT_CANDIDATE, text)) {
    if (isJwtHeader(m[1]!)) spans.push({ start: m.index, end: m.index + m[0].length });
  }
  return spans;
}

export const jwtDetector: ContentDetector = { name: "jwt", find: findJwts };

function isJwtHeader(segment: string): boolean {
  if (segment.length > MAX_HEADER_CHARS) return false;
  const json = decodeBase64Url(segment);
  if (json === null) return false;
  try {
    const header: unknown = JSON.parse(json);
    return typeof header === "object" && header !== null && typeof (header as { alg?: unknown }).alg === "string";
  } catch {
    return false;
  }
}

/** base64url to UTF-8 text with the platform's `atob`/`TextDecoder` (Node and browsers alike). */
function decodeBase64Url(segment: string): string | null {
  if (segment.length % 4 === 1) return null;
  const base64 = segment.replace(/-/g, "+").replace(/_/g, "/") + "=".repeat((4 - (segment.length % 4)) % 4);
  try {
    const binary = atob(base64);
    const bytes = Uint8Array.from(binary, (c) => c.charCodeAt(0));
    return new TextDecoder("utf-8", { fatal: true }).decode(bytes);
  } catch {
    return null;
  }
}
