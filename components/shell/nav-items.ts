import type { Role } from "@/lib/shared/roles";

/** Live counts a nav item can show next to its label. */
export type NavBadge = "pendingApprovals";

export type NavItem = { href: string; label: string; roles: Role[]; badge?: NavBadge };

/** The console's sections and who may open them; the server checks the same roles on every page and route. */
export const NAV_ITEMS: NavItem[] = [
  { href: "/", label: "Overview", roles: ["admin", "reviewer", "auditor", "developer"] },
  { href: "/connect", label: "Connect", roles: ["admin", "reviewer", "auditor", "developer"] },
  { href: "/approvals", label: "Approvals", roles: ["admin", "reviewer"], badge: "pendingApprovals" },
  { href: "/sessions", label: "Sessions", roles: ["admin", "reviewer", "auditor", "developer"] },
  { href: "/policy-preview", label: "Policy preview", roles: ["admin", "reviewer"] },
  { href: "/connections", label: "Connections", roles: ["admin"] },
  { href: "/tokens", label: "Tokens", roles: ["admin"] },
  { href: "/sinks", label: "Event sinks", roles: ["admin"] },
  { href: "/audit", label: "Audit log", roles: ["admin", "auditor"] },
];
