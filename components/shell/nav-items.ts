import type { Role } from "@/lib/shared/roles";

export type NavItem = { href: string; label: string; roles: Role[] };

/** The console's sections and who may open them; the server checks the same roles on every page and route. */
export const NAV_ITEMS: NavItem[] = [
  { href: "/", label: "Overview", roles: ["admin", "reviewer", "auditor", "developer"] },
  { href: "/connections", label: "Connections", roles: ["admin"] },
  { href: "/audit", label: "Audit log", roles: ["admin", "auditor"] },
];
