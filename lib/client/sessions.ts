import { useQuery, useQueryClient } from "@tanstack/react-query";
import { useCallback, useEffect, useState } from "react";
import type { SessionDto, SessionFilters, SessionPageDto, StatementDetailDto, StatementPageDto, StatementSummaryDto } from "@/lib/shared/contracts/sessions";
import { ApiRequestError, apiFetch } from "./api";
import { pollWhileOpen } from "./poll-while-open";
import { mergeStatements, nextFeedCursor } from "./statement-feed-merge";
import { useKeysetPages } from "./use-keyset-pages";

export const sessionKeys = {
  all: ["sessions"] as const,
  list: (filters: SessionFilters) => [...sessionKeys.all, "list", filters] as const,
  /** Keyed by status too: a statement that was running is fetched again once its outcome is recorded. */
  statement: (sessionId: string, seq: number, status: string) => [...sessionKeys.all, "statement", sessionId, seq, status] as const,
};

export const SESSIONS_PAGE_SIZE = 50;
/** Summaries per request while the player loads a session (a 10,000-statement session is ten requests). */
export const STATEMENT_PAGE_SIZE = 1000;
/** How often an open session is asked for new statements: a new one shows within a second. */
export const LIVE_POLL_MS = 500;

const sessionPath = (id: string) => `/api/sessions/${encodeURIComponent(id)}`;

/** How often the session list refreshes while a session it shows is still open (its duration and counts move). */
export const OPEN_SESSIONS_POLL_MS = 5000;

/**
 * Newest first, keyset-paged ("Load more"); the server decides whose sessions the caller may see.
 * While any listed session is open the list refreshes itself every OPEN_SESSIONS_POLL_MS, and stops
 * once none is.
 */
export function useSessions(filters: SessionFilters) {
  return useKeysetPages<SessionPageDto>(sessionKeys.list(filters), "/api/sessions", { ...filters, limit: String(SESSIONS_PAGE_SIZE) }, "cursor", {
    refetchIntervalFor: (pages) => pollWhileOpen(pages?.flatMap((p) => p.sessions), OPEN_SESSIONS_POLL_MS),
  });
}

const fetchStatement = (sessionId: string, seq: number, signal?: AbortSignal) =>
  apiFetch<StatementDetailDto>(`${sessionPath(sessionId)}/statements/${seq}`, { signal });

/** One statement in full. A recorded outcome never changes, so it is kept for the life of the page. */
export function useStatement(sessionId: string, summary: StatementSummaryDto | undefined) {
  return useQuery({
    queryKey: sessionKeys.statement(sessionId, summary?.seq ?? -1, summary?.status ?? ""),
    queryFn: ({ signal }) => fetchStatement(sessionId, summary!.seq, signal),
    enabled: summary !== undefined,
    staleTime: Infinity,
  });
}

/** Loads the next step ahead of time, so "Next statement" and playback show it at once. */
export function usePrefetchStatement(sessionId: string) {
  const queryClient = useQueryClient();
  return useCallback(
    (summary: StatementSummaryDto | undefined) => {
      if (!summary) return;
      void queryClient.prefetchQuery({
        queryKey: sessionKeys.statement(sessionId, summary.seq, summary.status),
        queryFn: ({ signal }) => fetchStatement(sessionId, summary.seq, signal),
        staleTime: Infinity,
      });
    },
    [queryClient, sessionId],
  );
}

export type StatementFeed = {
  session: SessionDto;
  statements: StatementSummaryDto[];
  /** Every page up to the newest statement has arrived (more may still come while the session is open). */
  isComplete: boolean;
  isLive: boolean;
  error: ApiRequestError | Error | null;
};

const sleep = (ms: number, signal: AbortSignal) =>
  new Promise<void>((resolve) => {
    const timer = setTimeout(resolve, ms);
    signal.addEventListener("abort", () => (clearTimeout(timer), resolve()), { once: true });
  });

/**
 * The statements of one session for the player: page after page (by sequence number) until all are
 * loaded, then, while the session is open, a poll every LIVE_POLL_MS for statements after the last one
 * seen (and outcomes of those still running). It stops once the session has ended. This is a stream
 * that grows and updates in place, which a react-query cache entry (replaced whole per fetch) models
 * poorly, hence a hook of its own.
 */
export function useStatementFeed(initialSession: SessionDto): StatementFeed {
  const sessionId = initialSession.id;
  const [feed, setFeed] = useState<StatementFeed>(() => ({
    session: initialSession,
    statements: [],
    isComplete: false,
    isLive: initialSession.endedAt === null,
    error: null,
  }));

  useEffect(() => {
    const controller = new AbortController();
    const { signal } = controller;
    let statements: StatementSummaryDto[] = [];
    let failures = 0;
    const run = async () => {
      while (!signal.aborted) {
        try {
          const after = nextFeedCursor(statements);
          const page = await apiFetch<StatementPageDto>(`${sessionPath(sessionId)}/statements?after=${after}&limit=${STATEMENT_PAGE_SIZE}`, { signal, cache: "no-store" });
          if (signal.aborted) return;
          failures = 0;
          statements = mergeStatements(statements, page.statements);
          const isLive = page.session.endedAt === null;
          setFeed({ session: page.session, statements, isComplete: !page.hasMore, isLive, error: null });
          if (page.hasMore) continue;
          // The answer that first shows the end also carries every outcome written with it.
          if (!isLive) return;
          await sleep(LIVE_POLL_MS, signal);
        } catch (err) {
          if (signal.aborted) return;
          setFeed((prev) => ({ ...prev, error: err as Error }));
          // Forbidden or gone will not heal by asking again; a network blip or a 5xx may.
          if (err instanceof ApiRequestError && err.status >= 400 && err.status < 500) return;
          failures += 1;
          await sleep(Math.min(LIVE_POLL_MS * 2 ** failures, 10_000), signal);
        }
      }
    };
    void run();
    return () => controller.abort();
  }, [sessionId]);

  return feed;
}
