import type { Metadata } from "next";
import { forbidden, notFound } from "next/navigation";
import { SessionPlayer } from "@/components/player/session-player";
import { EndSessionControl } from "@/components/sessions/end-session-control";
import { requirePageRole } from "@/lib/server/auth/guards";
import { getDb } from "@/lib/server/db";
import { findSession } from "@/lib/server/sessions/find-session";
import { isSessionVisibleTo } from "@/lib/server/sessions/session-visibility";
import { ROLES } from "@/lib/shared/config";
import { END_SESSION_ROLES } from "@/lib/shared/contracts/end-session";
import { hasAnyRole } from "@/lib/shared/roles";

export const metadata: Metadata = { title: "Session" };

type SessionPageProps = { params: Promise<{ id: string }>; searchParams: Promise<{ seq?: string | string[] }> };

export default async function SessionPage({ params, searchParams }: SessionPageProps) {
  const { id } = await params;
  // ?seq=N (links from search, the Overview, the audit log): open the player at that statement.
  const { seq } = await searchParams;
  const initialSeq = typeof seq === "string" && /^[1-9][0-9]{0,9}$/.test(seq) ? Number(seq) : undefined;
  const user = await requirePageRole(ROLES, `/sessions/${id}`);
  // Loaded here so an unknown id is a real 404 and someone else's session a real 403, before any client code runs.
  const session = await findSession(getDb(), id);
  if (!session) notFound();
  if (!isSessionVisibleTo(user, session)) forbidden();
  // Admins may end a live session (with a reason); the control hides once the session has ended.
  const canEnd = hasAnyRole(user.roles, END_SESSION_ROLES) && session.endedAt === null;
  return (
    <>
      {canEnd && <EndSessionControl session={session} />}
      <SessionPlayer initialSession={session} initialSeq={initialSeq} />
    </>
  );
}
