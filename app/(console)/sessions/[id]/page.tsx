import type { Metadata } from "next";
import { forbidden, notFound } from "next/navigation";
import { SessionPlayer } from "@/components/player/session-player";
import { requirePageRole } from "@/lib/server/auth/guards";
import { getDb } from "@/lib/server/db";
import { findSession } from "@/lib/server/sessions/find-session";
import { isSessionVisibleTo } from "@/lib/server/sessions/session-visibility";
import { ROLES } from "@/lib/shared/config";

export const metadata: Metadata = { title: "Session" };

type SessionPageProps = { params: Promise<{ id: string }> };

export default async function SessionPage({ params }: SessionPageProps) {
  const { id } = await params;
  const user = await requirePageRole(ROLES, `/sessions/${id}`);
  // Loaded here so an unknown id is a real 404 and someone else's session a real 403, before any client code runs.
  const session = await findSession(getDb(), id);
  if (!session) notFound();
  if (!isSessionVisibleTo(user, session)) forbidden();
  return <SessionPlayer initialSession={session} />;
}
