import { createHmac, randomBytes, timingSafeEqual } from "node:crypto";
import { deriveKey } from "./credentials";

/**
 * Warden tokens: "wdn_" + 32 random bytes (base64url). Only an HMAC of the token is stored, under a
 * key derived from WARDEN_SECRET_KEY, so a copy of the store alone does not let anyone sign in and a
 * token cannot be checked without the installation secret.
 */
export const TOKEN_PREFIX = "wdn_";
const TOKEN_PATTERN = /^wdn_[A-Za-z0-9_-]{43}$/;

export function generateToken(): string {
  return `${TOKEN_PREFIX}${randomBytes(32).toString("base64url")}`;
}

/** True when the text has the shape of a Warden token (it may still be unknown or revoked). */
export function isTokenShaped(text: string): boolean {
  return TOKEN_PATTERN.test(text);
}

export function hashToken(secretKey: Buffer, token: string): string {
  return createHmac("sha256", deriveKey(secretKey, "warden/tokens/v1")).update(token).digest("hex");
}

/** The start of a token, safe to show in lists so people can tell their tokens apart. */
export function tokenHint(token: string): string {
  return token.slice(0, TOKEN_PREFIX.length + 6);
}

export function hashesEqual(a: string, b: string): boolean {
  const x = Buffer.from(a, "hex");
  const y = Buffer.from(b, "hex");
  return x.length === y.length && timingSafeEqual(x, y);
}
