"use client";

import { useCallback, useEffect, useMemo, useState } from "react";
import { Alert } from "@/components/ui/alert";
import { Badge } from "@/components/ui/badge";
import { buttonClassName } from "@/components/ui/button-styles";
import { Card } from "@/components/ui/card";
import { EmptyState } from "@/components/ui/empty-state";
import { PageHeader } from "@/components/ui/page-header";
import { Skeleton } from "@/components/ui/skeleton";
import { Spinner } from "@/components/ui/spinner";
import { usePrefetchStatement, useStatementFeed } from "@/lib/client/sessions";
import { describeRequester } from "@/lib/shared/contracts/approvals";
import type { SessionDto } from "@/lib/shared/contracts/sessions";
import { PlayerControls } from "./player-controls";
import { SessionIdentity } from "./session-identity";
import { SessionTimeline } from "./session-timeline";
import { StatementDetail } from "./statement-detail";
import { StatementList } from "./statement-list";
import { buildTimeline } from "./timeline-model";
import { usePlayback } from "./use-playback";

/**
 * Replays one recorded session: its identity, a timeline of its statements with playback, the
 * statement list, and the selected step in full. An open session keeps growing while it is watched.
 */
export function SessionPlayer({ initialSession, initialSeq }: { initialSession: SessionDto; initialSeq?: number }) {
  const feed = useStatementFeed(initialSession);
  const { session, statements } = feed;
  const timeline = useMemo(() => buildTimeline(statements), [statements]);
  const [selected, setSelected] = useState(0);
  const selectedIndex = statements.length === 0 ? -1 : Math.min(selected, statements.length - 1);
  const playback = usePlayback({ timeline, onStep: setSelected });
  const { seekToIndex } = playback;

  const select = useCallback(
    (index: number) => {
      setSelected(index);
      seekToIndex(index);
    },
    [seekToIndex],
  );
  // Opened at a statement (?seq=N): select it once the page holding it has loaded, then never again.
  const [hasJumped, setHasJumped] = useState(initialSeq === undefined);
  const requestedIndex = hasJumped ? -1 : statements.findIndex((s) => s.seq === initialSeq);
  useEffect(() => {
    if (requestedIndex < 0) return;
    setHasJumped(true);
    select(requestedIndex);
  }, [requestedIndex, select]);
  const step = (delta: -1 | 1) => select(Math.max(0, Math.min(statements.length - 1, selectedIndex + delta)));
  const seqAt = useCallback((index: number) => statements[index]?.seq ?? index + 1, [statements]);

  // The next step is usually wanted next (stepping, playing): fetch it while this one is read.
  const prefetch = usePrefetchStatement(session.id);
  const current = statements[selectedIndex];
  const upcoming = statements[selectedIndex + 1];
  useEffect(() => {
    if (!playback.isPlaying) prefetch(upcoming);
  }, [prefetch, upcoming, playback.isPlaying]);

  const isLoadingFirstPage = statements.length === 0 && !feed.isComplete && !feed.error;
  const isLoadingMore = !feed.isComplete && statements.length > 0;

  return (
    <>
      <PageHeader
        back={{ href: "/sessions", label: "Sessions" }}
        title={
          <span className="inline-flex items-center gap-3">
            Session <span className="font-mono text-xl text-slate-500">{session.id.slice(0, 8)}</span>
            {feed.isLive && (
              <Badge tone="brand">
                <span aria-hidden className="mr-1.5 inline-block h-1.5 w-1.5 animate-pulse rounded-full bg-brand-600" />
                live
              </Badge>
            )}
          </span>
        }
        description={`${describeRequester(session.userName, session.tokenMintedBy)} on ${session.connectionName}`}
        actions={
          // A plain link: the route answers with Content-Disposition: attachment, so the browser downloads the file.
          <a href={`/api/sessions/${session.id}/export`} download className={buttonClassName({ variant: "secondary" })}>
            Export JSON
          </a>
        }
      />

      <div className="space-y-5">
        <SessionIdentity session={session} />

        {feed.error && (
          <Alert tone={statements.length > 0 ? "warning" : "danger"} title={statements.length > 0 ? "Updates paused" : "Could not load the statements"}>
            {feed.error.message}
            {feed.isLive && statements.length > 0 && " Retrying…"}
          </Alert>
        )}

        <Card
          title="Timeline"
          description={
            isLoadingMore
              ? `Loading statements: ${statements.length.toLocaleString()} of ${session.statementCount.toLocaleString()}…`
              : "Each bar is a statement, placed when the gateway received it and as long as it ran."
          }
          actions={
            <PlayerControls
              isPlaying={playback.isPlaying}
              speed={playback.speed}
              position={selectedIndex}
              count={statements.length}
              onPlay={playback.play}
              onPause={playback.pause}
              onStep={step}
              onSpeed={playback.setSpeed}
            />
          }
        >
          {isLoadingFirstPage ? (
            <Skeleton className="h-12 w-full" />
          ) : statements.length === 0 ? (
            <p className="text-sm text-slate-500">{feed.isLive ? "Waiting for the first statement…" : "This session ran no statements."}</p>
          ) : (
            <SessionTimeline timeline={timeline} selectedIndex={selectedIndex} seqAt={seqAt} onSelect={select} playback={playback} />
          )}
        </Card>

        {/* One shrinkable column below lg (grid-cols-1 is minmax(0, 1fr)): a wide result table scrolls in its box instead of widening the page. */}
        <div className="grid grid-cols-1 items-start gap-5 lg:grid-cols-[minmax(0,2fr)_minmax(0,3fr)]">
          <Card
            title="Statements"
            isPadded={false}
            actions={isLoadingMore ? <Spinner size="sm" /> : <span className="text-xs text-slate-500 tabular-nums">{statements.length.toLocaleString()}</span>}
          >
            {isLoadingFirstPage ? (
              <div className="space-y-3 p-4" aria-busy>
                {Array.from({ length: 6 }, (_, i) => (
                  <Skeleton key={i} className={i % 2 ? "w-2/3" : "w-5/6"} />
                ))}
              </div>
            ) : statements.length === 0 ? (
              <EmptyState
                title={feed.isLive ? "No statements yet" : "No statements"}
                description={feed.isLive ? "The session is open; statements appear here as it runs them." : "The client connected and left without running anything."}
              />
            ) : (
              <StatementList statements={statements} selectedIndex={selectedIndex} onSelect={select} />
            )}
            {/* Announces growth of a live session without moving focus. */}
            <p className="sr-only" aria-live="polite">
              {feed.isLive && statements.length > 0 ? `${statements.length} statements` : ""}
            </p>
          </Card>

          {current ? (
            <StatementDetail sessionId={session.id} summary={current} sessionStartedAt={session.startedAt} isPlaying={playback.isPlaying} />
          ) : (
            !isLoadingFirstPage && (
              <Card>
                <p className="text-sm text-slate-500">Select a statement to see its SQL, parameters, outcome and result.</p>
              </Card>
            )
          )}
        </div>
      </div>
    </>
  );
}
