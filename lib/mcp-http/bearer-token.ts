/**
 * The token of an `Authorization: Bearer <token>` header (RFC 6750 section 2.1: the scheme is
 * case-insensitive, one space or more before the credentials), or null when there is none.
 */
export function readBearerToken(authorization: string | null): string | null {
  const match = /^Bearer +([^\s]+) *$/i.exec(authorization ?? "");
  return match ? match[1] : null;
}
