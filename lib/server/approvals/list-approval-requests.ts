import "server-only";
import { and, desc, eq, gt, inArray, lt, lte, ne, or, sql, type SQL } from "drizzle-orm";
import { approvalDecisions, approvalRequests, type ApprovalDecision } from "@/drizzle/schema";
import type { Db } from "@/lib/db/create-db";
import type { ApprovalPageDto } from "@/lib/shared/contracts/approvals";
import { toApprovalRequestDto } from "./approval-dto";
import { UUID } from "./get-approval-request";

export type ListApprovalRequestsFilter = {
  /** pending: still waiting and not expired (the default); decided: everything else. */
  status?: "pending" | "decided" | "all";
  limit?: number;
  /** The previous page's `nextCursor`. */
  cursor?: string;
};

/** Requests newest first, with their votes, a page at a time (keyset on created_at, id). */
export async function listApprovalRequests(db: Db, filter: ListApprovalRequestsFilter = {}): Promise<ApprovalPageDto> {
  const limit = Math.min(Math.max(filter.limit ?? 50, 1), 200);
  const where: SQL[] = [];
  const isPending = and(eq(approvalRequests.status, "pending"), gt(approvalRequests.expiresAt, sql`now()`))!;
  const status = filter.status ?? "pending";
  if (status === "pending") where.push(isPending);
  if (status === "decided") where.push(or(ne(approvalRequests.status, "pending"), lte(approvalRequests.expiresAt, sql`now()`))!);
  const cursor = filter.cursor ? decodeCursor(filter.cursor) : null;
  if (cursor) where.push(or(lt(approvalRequests.createdAt, cursor.createdAt), and(eq(approvalRequests.createdAt, cursor.createdAt), lt(approvalRequests.id, cursor.id)))!);
  const rows = await db
    .select()
    .from(approvalRequests)
    .where(where.length ? and(...where) : undefined)
    .orderBy(desc(approvalRequests.createdAt), desc(approvalRequests.id))
    .limit(limit + 1);
  const page = rows.slice(0, limit);
  const votes = page.length ? await db.select().from(approvalDecisions).where(inArray(approvalDecisions.requestId, page.map((r) => r.id))) : [];
  const byRequest = new Map<string, ApprovalDecision[]>();
  for (const v of votes) byRequest.set(v.requestId, [...(byRequest.get(v.requestId) ?? []), v]);
  const now = new Date();
  const last = page.at(-1);
  return {
    items: page.map((r) => toApprovalRequestDto(r, byRequest.get(r.id) ?? [], now)),
    nextCursor: rows.length > limit && last ? encodeCursor(last.createdAt, last.id) : null,
  };
}

function encodeCursor(createdAt: Date, id: string): string {
  return Buffer.from(`${createdAt.toISOString()}|${id}`, "utf8").toString("base64url");
}

/** A malformed cursor means the first page, not a database error. */
function decodeCursor(cursor: string): { createdAt: Date; id: string } | null {
  const [at, id] = Buffer.from(cursor, "base64url").toString("utf8").split("|");
  const createdAt = new Date(at ?? "");
  return Number.isNaN(createdAt.getTime()) || !UUID.test(id ?? "") ? null : { createdAt, id: id! };
}
