import { z } from "zod";
import type { ActorKind, RecordedParam, RecordedRelation } from "./sessions";

/**
 * Held statements, reviewers' decisions and time-boxed grants, as the console's browser code and the
 * CLI see them. lib/server/approvals builds these from the store's rows.
 */

export const APPROVAL_STATUSES = ["pending", "approved", "rejected", "timed_out", "withdrawn"] as const;
export type ApprovalStatus = (typeof APPROVAL_STATUSES)[number];

/**
 * What a grant covers. `statement`: this exact statement, its text byte for byte and its parameters
 * (the default); `fingerprint`: every statement of the same shape, whatever its literals and
 * parameters, which a reviewer must choose explicitly.
 */
export const GRANT_SCOPES = ["statement", "fingerprint"] as const;
export type GrantScope = (typeof GRANT_SCOPES)[number];

export type ApprovalVoteDto = {
  reviewer: string;
  decision: "approve" | "reject";
  comment: string;
  grantMinutes: number | null;
  grantScope: GrantScope;
  createdAt: string;
};

export type ApprovalRequestDto = {
  id: string;
  connectionId: string | null;
  connectionName: string;
  sessionId: string | null;
  statementId: string | null;
  /** The subject: the user name the statement ran as. */
  requester: string;
  /** Who minted the token it ran under (a console user's email, or `cli:user@host`); null for a JWT sign-in. */
  requesterMintedBy: string | null;
  tokenId: string | null;
  actorKind: ActorKind;
  agentName: string | null;
  applicationName: string | null;
  clientAddress: string | null;
  protocol: string;
  sql: string;
  /** Bound parameters (extended protocol): text as is, binary as base64. */
  params: RecordedParam[] | null;
  fingerprint: string | null;
  classification: { kind: string; command: string; flags: string[]; relations: RecordedRelation[] };
  ruleId: string;
  ruleName: string;
  /** Why it was held, in words (the rule's matched criteria). */
  reasons: string[];
  /** A write held by the blast-radius guard: what it changed when it was tried and rolled back. */
  blastRadius: BlastRadiusDto | null;
  reviewerGroups: string[];
  minApprovals: number;
  approvalCount: number;
  allowGrants: boolean;
  /** A pending request past its expiry shows as timed_out, whether or not its gateway worker is still there to say so. */
  status: ApprovalStatus;
  gatewayInstance: string | null;
  createdAt: string;
  expiresAt: string;
  decidedAt: string | null;
  decidedBy: string | null;
  decisionComment: string | null;
  votes: ApprovalVoteDto[];
};

/** Rows one write changed in one table, and the rows the table had before it; share = (updated + deleted) / tableRows. */
export type BlastRadiusTableDto = { relation: string; inserted: number; updated: number; deleted: number; tableRows: number; share: number };

export type BlastRadiusDto = {
  tables: BlastRadiusTableDto[];
  /** Tables truncated, dropped or altered inside the statement (an exclusive lock it took). */
  exclusiveLocks: string[];
  limit: { ruleId: string; ruleName: string; maxRowShare: number | null; minRows: number; maxRows: number | null } | null;
};

export type ApprovalPageDto = { items: ApprovalRequestDto[]; nextCursor: string | null };

export type ApprovalGrantDto = {
  id: string;
  connectionId: string;
  connectionName: string | null;
  userName: string;
  /** `statement`: only the exact statement of `sqlSample`; `fingerprint`: any statement of its shape. */
  scope: GrantScope;
  fingerprint: string;
  sqlSample: string;
  requestId: string | null;
  createdBy: string;
  createdAt: string;
  expiresAt: string;
  revokedAt: string | null;
  revokedBy: string | null;
  status: "active" | "expired" | "revoked";
};

/** The longest a grant may last. */
export const MAX_GRANT_MINUTES = 24 * 60;

/** `POST /api/approvals/:id/decision` (and `warden approvals decide`). */
export const decideApprovalInput = z
  .object({
    decision: z.enum(["approve", "reject"], { error: "Approve or reject." }),
    comment: z.string().trim().max(2000, "Keep the comment under 2,000 characters.").optional(),
    /** With an approval: let the requester run statements of this shape without asking, for this long. */
    grantMinutes: z.number().int().min(1, "A grant lasts at least a minute.").max(MAX_GRANT_MINUTES, "A grant lasts at most 24 hours.").nullable().optional(),
    /** What the grant covers; the exact statement unless the reviewer chooses its shape. */
    grantScope: z.enum(GRANT_SCOPES, { error: "A grant covers the exact statement or its shape (fingerprint)." }).default("statement"),
  })
  .strict()
  .superRefine((d, ctx) => {
    if (d.decision === "reject" && d.grantMinutes) ctx.addIssue({ code: "custom", path: ["grantMinutes"], message: "Only an approval can grant." });
  });
export type DecideApprovalInput = z.input<typeof decideApprovalInput>;

export const APPROVAL_LIST_STATUSES = ["pending", "decided", "all"] as const;

/** `GET /api/approvals`. */
export const approvalsQuery = z.object({
  status: z.enum(APPROVAL_LIST_STATUSES).default("pending"),
  limit: z.coerce.number().int().min(1).max(200).default(50),
  cursor: z.string().max(200).regex(/^[A-Za-z0-9_-]+$/, "Not a cursor.").optional(),
});
export type ApprovalsQuery = z.input<typeof approvalsQuery>;

/** `GET /api/approvals/grants`. */
export const grantsQuery = z.object({ active: z.literal("1").optional() });

/**
 * Whether a reviewer may decide on a request, and if not why: the same rule the services enforce,
 * so the inbox can disable its buttons with the reason.
 */
export function reviewRefusal(request: Pick<ApprovalRequestDto, "status" | "requester" | "requesterMintedBy" | "reviewerGroups" | "votes">, reviewer: { email: string; groups: string[] }): string | null {
  if (request.status !== "pending") return `This request is already ${request.status.replace("_", " ")}.`;
  const party = partyRefusal(request, [reviewer.email]);
  if (party) return party;
  if (!request.reviewerGroups.some((g) => reviewer.groups.includes(g))) return `Only members of ${request.reviewerGroups.join(", ")} can decide on this request.`;
  if (request.votes.some((v) => v.reviewer.toLowerCase() === reviewer.email.toLowerCase())) return "You have already decided on this request.";
  return null;
}

/** Names compared as people type them: trimmed, case-insensitive. */
function sameName(a: string, b: string): boolean {
  return a.trim().toLowerCase() === b.trim().toLowerCase();
}

/**
 * Why someone is a party to a held statement and may not decide on it, or null: they are its
 * subject (the user name it ran as: the token was issued to them), or they minted the token it ran
 * under, whatever user name that token carries. `names`: every name the reviewer acts under (their
 * email, and from a terminal the CLI's `cli:user@host`).
 */
export function partyRefusal(request: { requester: string; requesterMintedBy: string | null }, names: readonly string[], decision: "approve" | "reject" = "approve"): string | null {
  const verb = decision === "approve" ? "approve" : "decide on";
  if (names.some((n) => sameName(n, request.requester))) return `You cannot ${verb} your own statement.`;
  const minter = request.requesterMintedBy;
  if (minter && names.some((n) => sameName(n, minter))) return `You cannot ${verb} a statement run under a token you minted (for ${request.requester}).`;
  return null;
}

/** "subject (minted by X)": who a statement ran as, and who minted its token when that is someone else. */
export function describeRequester(subject: string, mintedBy: string | null): string {
  return mintedBy && !sameName(mintedBy, subject) ? `${subject} (minted by ${mintedBy})` : subject;
}
