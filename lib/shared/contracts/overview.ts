import type { Role } from "@/lib/shared/roles";

/**
 * The Overview's activity dashboard: aggregates only, computed in SQL on the server. Nothing here is
 * a statement row except the short list of recent blocked statements (their SQL cut to a preview).
 */

/**
 * Each statement falls in exactly one outcome, checked in this order:
 * held (decision 'hold', whatever the reviewer decided), blocked (status 'blocked': refused by
 * policy), error (status 'error'), masked (ran, status 'ok' or 'suspended', with at least one
 * masked column), ok (everything else: ran without masks, or still running, skipped or unknown).
 */
export const ACTIVITY_OUTCOMES = ["ok", "masked", "error", "blocked", "held"] as const;
export type ActivityOutcome = (typeof ACTIVITY_OUTCOMES)[number];

/** One sentence per outcome, for the chart legend and its tooltip. */
export const ACTIVITY_OUTCOME_MEANINGS: Record<ActivityOutcome, string> = {
  ok: "ran without masking (also statements still running, skipped after an earlier failure, or cut off by the session's end)",
  masked: "ran, and the gateway masked at least one result column",
  error: "the database answered with an error",
  blocked: "refused by policy before it reached the database",
  held: "waited for a reviewer's approval, whatever they decided",
};

export type OutcomeCounts = Record<ActivityOutcome, number>;

/** `start` is the bucket's first instant (ISO); a bucket covers [start, start + bucketMinutes). */
export type ActivityBucket = { start: string } & OutcomeCounts;

export type ActivitySeries = {
  bucketMinutes: number;
  from: string;
  to: string;
  /** Every bucket of the window, in order; empty ones are zeros so the time axis is continuous. */
  buckets: ActivityBucket[];
  totals: OutcomeCounts & { total: number };
};

/** `blocked` here counts every statement the gateway refused (status 'blocked'), by policy or by a reviewer. */
export type TopActor = { name: string; statements: number; blocked: number };
/** The five busiest, and the five most blocked (only those with at least one block). */
export type TopActors = { byStatements: TopActor[]; byBlocks: TopActor[] };

export type PendingApprovalSummary = { id: string; requester: string; agentName: string | null; connectionName: string; sqlPreview: string; createdAt: string; ageSeconds: number };

export type RecentBlockedStatement = {
  statementId: string;
  sessionId: string;
  seq: number;
  receivedAt: string;
  userName: string;
  agentName: string | null;
  connectionName: string;
  sqlPreview: string;
  reason: string | null;
  wasHeld: boolean;
  /** The viewer may open this session in the player (their own, or they see every session). */
  canOpen: boolean;
};

/** Counts of the whole organisation, only for the roles that may see it (admins and auditors). */
export type OrganisationCounters = { connections: number; users: number; auditEventsToday: number };

export type ActivityScope = "organisation" | "own";

export type ActivityOverviewDto = {
  scope: ActivityScope;
  generatedAt: string;
  lastHour: ActivitySeries;
  lastDay: ActivitySeries;
  /** Over the last day: people are human sessions by user name; agents are agent and service sessions by agent name. */
  topPeople: TopActors;
  topAgents: TopActors;
  pendingApprovals: { count: number; oldest: PendingApprovalSummary[] };
  /** Median time from request to a reviewer's decision (approved or rejected), over the last 7 days. */
  decisionTime: { medianSeconds: number | null; decidedCount: number; windowDays: number };
  recentBlocked: RecentBlockedStatement[];
  organisation: OrganisationCounters | null;
};

/** Who sees the whole organisation's activity; everyone else sees the sessions they signed in to. */
export const ORGANISATION_ACTIVITY_ROLES = ["admin", "reviewer", "auditor"] as const satisfies readonly Role[];
/** Who sees the organisation's counters (catalog size, people, audit events). */
export const ORGANISATION_COUNTER_ROLES = ["admin", "auditor"] as const satisfies readonly Role[];

export const OVERVIEW_SQL_PREVIEW_CHARS = 200;
