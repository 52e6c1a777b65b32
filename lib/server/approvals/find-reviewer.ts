import "server-only";
import { sql } from "drizzle-orm";
import { users } from "@/drizzle/schema";
import type { Db } from "@/lib/db/create-db";
import { ServiceError } from "../connections/service-error";
import type { Reviewer } from "./decide-approval";

/**
 * A reviewer deciding from a terminal: their groups are the ones the IdP gave them at their last
 * console sign-in, so someone who never signed in cannot review.
 */
export async function findReviewer(db: Db, email: string): Promise<Reviewer> {
  const [user] = await db
    .select({ email: users.email, groups: users.groups })
    .from(users)
    .where(sql`lower(${users.email}) = lower(${email.trim()})`);
  if (!user) throw new ServiceError(`${email} has never signed in to the console, so Warden does not know their groups; sign in once first.`, 403);
  return user;
}
