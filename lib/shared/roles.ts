import type { Role } from "./config";

export type { Role };

/** Roles granted by IdP groups, given a role -> groups mapping. */
export function rolesForGroups(groups: readonly string[], mapping: Record<Role, string[]>): Role[] {
  return (Object.keys(mapping) as Role[]).filter((role) => mapping[role].some((g) => groups.includes(g)));
}

export function hasAnyRole(userRoles: readonly string[] | undefined, allowed: readonly Role[]): boolean {
  return (userRoles ?? []).some((r) => allowed.includes(r as Role));
}

export const ROLE_LABELS: Record<Role, string> = {
  admin: "Admin",
  reviewer: "Reviewer",
  auditor: "Auditor",
  developer: "Developer",
};
