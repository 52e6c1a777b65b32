import "server-only";
import { eq } from "drizzle-orm";
import { users } from "@/drizzle/schema";
import { appendAuditEvent } from "@/lib/audit/append-event";
import { getDb } from "../db";

/** Keeps the users table in step with the IdP's claims, and records the sign-in in the same transaction. */
export async function recordSignIn(u: { email: string; name: string | null; subject: string | null; groups: string[]; roles: string[] }) {
  await getDb().transaction(async (tx) => {
    const [before] = await tx.select().from(users).where(eq(users.email, u.email));
    const now = new Date();
    await tx
      .insert(users)
      .values({ email: u.email, name: u.name, subject: u.subject, groups: u.groups, roles: u.roles, lastSignInAt: now })
      .onConflictDoUpdate({ target: users.email, set: { name: u.name, subject: u.subject, groups: u.groups, roles: u.roles, lastSignInAt: now } });
    await appendAuditEvent(tx, {
      actor: u.email,
      action: "auth.sign_in",
      targetType: "user",
      targetName: u.email,
      before: before ? { groups: before.groups, roles: before.roles } : null,
      after: { groups: u.groups, roles: u.roles },
    });
  });
}

export async function recordSignOut(email: string) {
  await getDb().transaction((tx) => appendAuditEvent(tx, { actor: email, action: "auth.sign_out", targetType: "user", targetName: email }));
}
