import { sql } from "drizzle-orm";
import { users } from "@/drizzle/schema";
import type { Db } from "@/lib/db/create-db";
import { DEMO_USERS, findDemoUser } from "@/lib/dev-oidc/demo-users";
import type { StoreLocation } from "./store-access";

export const GROUP_SOURCES = { flag: "--group", signIn: "sign-in", demo: "demo users" } as const;
export type GroupSource = (typeof GROUP_SOURCES)[keyof typeof GROUP_SOURCES];

export type KnownGroups = { groups: string[]; source: GroupSource };

/**
 * How the CLI knows someone's groups, in the order the gateway itself judges a token's holder
 * (proxy/auth: the user row's groups when there is one, else the token's), and the token create
 * help says the same:
 *   1. the groups the identity provider gave them at their last console sign-in (the users table);
 *   2. `--group` given on the command line, for someone never signed in (the operator vouches);
 *   3. on the embedded default only, the demo users of the local OpenID provider (lib/dev-oidc), the
 *      same list that provider signs people in with, so a fresh `npm start` needs no sign-in first.
 * Warden never asks a production identity provider directly; undefined means the groups are unknown.
 */
export async function findKnownGroups(db: Db, location: Pick<StoreLocation, "isEmbeddedDefault">, email: string, flagGroups?: readonly string[]): Promise<KnownGroups | undefined> {
  const [user] = await db
    .select({ groups: users.groups })
    .from(users)
    .where(sql`lower(${users.email}) = lower(${email.trim()})`)
    .limit(1);
  if (user) return { groups: user.groups, source: GROUP_SOURCES.signIn };
  if (flagGroups?.length) return { groups: [...new Set(flagGroups.map((g) => g.trim()).filter(Boolean))], source: GROUP_SOURCES.flag };
  const demo = location.isEmbeddedDefault ? findDemoUser(email) : undefined;
  if (demo) return { groups: [...demo.groups], source: GROUP_SOURCES.demo };
  return undefined;
}

/** Why the groups of `email` are unknown, for a refusal that says what to do about it. */
export function unknownGroupsReason(email: string, location: Pick<StoreLocation, "isEmbeddedDefault">): string {
  const demo = location.isEmbeddedDefault ? ` and is not one of the demo users (${DEMO_USERS.map((u) => u.email).join(", ")})` : "";
  return `${email} has never signed in to the console${demo}, and no --group was given, so Warden cannot know their groups (it does not ask the identity provider)`;
}
