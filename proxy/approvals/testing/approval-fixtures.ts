import { desc, eq, sql } from "drizzle-orm";
import type pg from "pg";
import { approvalRequests, policyVersions, users, type ApprovalRequest } from "@/drizzle/schema";
import type { Db } from "@/lib/db/create-db";
import { STORE_CHANNELS } from "@/lib/db/store-listener";
import type { PolicyDocument } from "@/lib/policy/policy-document";
import { eventually } from "../../testing/gateway-fixture";

/** People who signed in to the console, with the IdP groups the default policy's rules name. */
export const REVIEWER = { email: "rita@example.com", groups: ["reviewer"] };
export const SECOND_REVIEWER = { email: "sam@example.com", groups: ["reviewer"] };
/** A developer who also reviews: may connect, and may not approve their own statements. */
export const LEAD = { email: "lee@example.com", groups: ["developer", "reviewer"] };
export const OUTSIDER = { email: "olga@example.com", groups: ["auditor"] };

export async function addPeople(db: Db): Promise<void> {
  await db.insert(users).values([REVIEWER, SECOND_REVIEWER, LEAD, OUTSIDER]).onConflictDoNothing();
}

/** A client's notices, and the approval request ids they name. */
export function collectNotices(client: pg.Client): { messages: string[]; requestIds(): string[] } {
  const messages: string[] = [];
  client.on("notice", (n) => messages.push(n.message ?? ""));
  return { messages, requestIds: () => messages.flatMap((m) => [...m.matchAll(/approval request ([0-9a-f-]{36})/g)].map((x) => x[1]!)) };
}

/** The newest pending request whose SQL matches, once the gateway has stored it. */
export function pendingRequest(db: Db, sqlText: string | RegExp): Promise<ApprovalRequest> {
  return eventually(async () => {
    const rows = await db.select().from(approvalRequests).where(eq(approvalRequests.status, "pending")).orderBy(desc(approvalRequests.createdAt));
    return rows.find((r) => (typeof sqlText === "string" ? r.sql === sqlText : sqlText.test(r.sql)));
  });
}

export async function requestById(db: Db, id: string): Promise<ApprovalRequest> {
  const [row] = await db.select().from(approvalRequests).where(eq(approvalRequests.id, id));
  return row;
}

/** Saves a new policy version in force for the connection, and tells the workers, as the console does. */
export async function savePolicy(db: Db, connectionId: string, document: PolicyDocument): Promise<void> {
  await db.transaction(async (tx) => {
    const [last] = await tx.select({ version: policyVersions.version }).from(policyVersions).where(eq(policyVersions.connectionId, connectionId)).orderBy(desc(policyVersions.version)).limit(1);
    await tx.insert(policyVersions).values({ connectionId, version: (last?.version ?? 0) + 1, document, author: "test" });
    await tx.execute(sql`select pg_notify(${STORE_CHANNELS.policyChanged}, ${connectionId})`);
  });
}

/** Brings a request's expiry forward to now, and says so: the worker holding it must time it out. */
export async function expireNow(db: Db, id: string): Promise<void> {
  await db.transaction(async (tx) => {
    await tx.update(approvalRequests).set({ expiresAt: sql`now() - interval '1 second'` }).where(eq(approvalRequests.id, id));
    await tx.execute(sql`select pg_notify(${STORE_CHANNELS.approvalDecided}, ${id})`);
  });
}
