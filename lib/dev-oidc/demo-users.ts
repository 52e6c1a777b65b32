/**
 * The people the local development OpenID provider knows: one per console role, so every part of
 * Warden can be tried on a fresh machine. They all share the one password `npm start` generates.
 * The one list of them: the provider signs them in with these groups, and on the embedded default
 * the CLI (`warden token create`, `warden approvals`) knows their groups from it before they ever
 * sign in (scripts/warden-commands/known-groups.ts).
 */
export const DEMO_GROUPS = ["admin", "reviewer", "auditor", "developer"] as const;
export type DemoGroup = (typeof DEMO_GROUPS)[number];

export type DemoUser = {
  readonly email: string;
  readonly name: string;
  readonly groups: readonly DemoGroup[];
};

export const DEMO_USERS: readonly DemoUser[] = [
  { email: "admin@example.com", name: "Ada Admin", groups: ["admin"] },
  { email: "reviewer@example.com", name: "Rita Reviewer", groups: ["reviewer"] },
  { email: "auditor@example.com", name: "Aldo Auditor", groups: ["auditor"] },
  { email: "dev@example.com", name: "Dev Developer", groups: ["developer"] },
];

/** Emails are compared case-insensitively, as people type them. */
export function findDemoUser(email: string): DemoUser | undefined {
  const wanted = email.trim().toLowerCase();
  return DEMO_USERS.find((user) => user.email === wanted);
}
