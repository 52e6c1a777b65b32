import { execAll, type ContentDetector, type DetectedSpan } from "./detected-span";

/**
 * PEM private keys of any kind ("RSA ", "EC ", "DSA ", "OPENSSH ", "ENCRYPTED ", none) and PGP
 * private key blocks, from BEGIN to the matching END. Newlines may be real or JSON-escaped ("\n"),
 * since the body is matched as anything. With no END (a truncated value) the span runs to the end
 * of the text: the part of a key that is there is still secret.
 */
const PEM_PRIVATE_KEY =
  /-----BEGIN ((?:[A-Z0-9]+ )*)PRIVATE KEY( BLOCK)?-----[\s\S]*?(?:-----END \1PRIVATE KEY\2-----|$)/g;

export function findPrivateKeys(text: string): DetectedSpan[] {
  if (!text.includes("PRIVATE KEY")) return [];
  return execAll(PEM_PRIVATE_KEY, text).map((m) => ({ start: m.index, end: m.index + m[0].length }));
}

export const privateKeyDetector: ContentDetector = { name: "private_key", find: findPrivateKeys };
