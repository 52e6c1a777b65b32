import type { MaskingPolicy } from "../policy-document";

export type MaskingExemption = MaskingPolicy["exemptions"][number];

/**
 * The exemption that lets a session see unmasked values: one for a group the session belongs to
 * that has not expired. Group names compare exactly, as the IdP sends them. An expiry that does
 * not parse counts as expired, so a damaged document masks rather than reveals.
 */
export function findActiveExemption(
  groups: readonly string[],
  exemptions: readonly MaskingExemption[],
  now: Date,
): MaskingExemption | null {
  const member = new Set(groups);
  return exemptions.find((e) => member.has(e.group) && isUnexpired(e.expiresAt, now)) ?? null;
}

export function isExempt(groups: readonly string[], exemptions: readonly MaskingExemption[], now: Date): boolean {
  return findActiveExemption(groups, exemptions, now) !== null;
}

function isUnexpired(expiresAt: string | null, now: Date): boolean {
  if (expiresAt === null) return true;
  const at = Date.parse(expiresAt);
  return Number.isFinite(at) && at > now.getTime();
}
