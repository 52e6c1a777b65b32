import "server-only";
import { createHash, timingSafeEqual } from "node:crypto";
import { hasAnyRole } from "@/lib/shared/roles";
import type { CurrentUser } from "../auth/guards";

export type MetricsAccess = { isAllowed: true } | { isAllowed: false; status: 401 | 403; error: string };

/** Compared as SHA-256 digests: equal length whatever was sent, so the comparison's time says nothing of the secret. */
function isSameSecret(given: string, expected: string): boolean {
  const a = createHash("sha256").update(given).digest();
  const b = createHash("sha256").update(expected).digest();
  return timingSafeEqual(a, b);
}

/**
 * Who may read the console's /api/metrics: a scraper with `Authorization: Bearer <WARDEN_METRICS_TOKEN>`
 * (refused when the variable is unset: there is no empty secret), or a signed-in admin. A request that
 * sends a bearer is judged by it alone (a wrong one is 401, even from an admin's browser).
 */
export async function authorizeMetrics(authorization: string | null, metricsToken: string | undefined, currentUser: () => Promise<CurrentUser | null>): Promise<MetricsAccess> {
  const bearer = /^Bearer\s+(\S+)\s*$/i.exec(authorization ?? "")?.[1];
  if (authorization) {
    if (bearer && metricsToken && isSameSecret(bearer, metricsToken)) return { isAllowed: true };
    return { isAllowed: false, status: 401, error: metricsToken ? "The bearer token is not the metrics token." : "WARDEN_METRICS_TOKEN is not set: metrics are for signed-in admins only." };
  }
  const user = await currentUser();
  if (!user) return { isAllowed: false, status: 401, error: "Sign in first, or send Authorization: Bearer <WARDEN_METRICS_TOKEN>." };
  if (!hasAnyRole(user.roles, ["admin"])) return { isAllowed: false, status: 403, error: "This needs the admin role." };
  return { isAllowed: true };
}
