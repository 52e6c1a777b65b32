import type { Metadata } from "next";
import { Suspense } from "react";
import { SessionsView } from "@/components/sessions/sessions-view";
import { PageHeader } from "@/components/ui/page-header";
import { Spinner } from "@/components/ui/spinner";
import { requirePageRole } from "@/lib/server/auth/guards";
import { listConnections } from "@/lib/server/connections/list-connections";
import { getDb } from "@/lib/server/db";
import { canSeeAllSessions } from "@/lib/server/sessions/session-visibility";
import { listUsableConnections } from "@/lib/server/tokens/list-usable-connections";
import { ROLES } from "@/lib/shared/config";

export const metadata: Metadata = { title: "Sessions" };

export default async function SessionsPage() {
  const user = await requirePageRole(ROLES, "/sessions");
  const canSeeAll = canSeeAllSessions(user.roles);
  const db = getDb();
  // The connection filter offers what the viewer could have sessions on: the whole catalog for
  // auditors and admins, the connections their groups allow for everyone else.
  const connections = canSeeAll ? await listConnections(db) : await listUsableConnections(db, user.email);
  return (
    <>
      <PageHeader
        title="Sessions"
        description={
          canSeeAll
            ? "Every connection through the gateway: who, which agent, from where, and what it ran. Open one to replay it."
            : "Your connections through the gateway and what they ran. Open one to replay it."
        }
      />
      {/* The list and the search read their filters from the query string, which needs a Suspense boundary above it. */}
      <Suspense fallback={<Spinner label="Loading sessions…" />}>
        <SessionsView connections={connections.map(({ id, name }) => ({ id, name }))} canSeeAll={canSeeAll} />
      </Suspense>
    </>
  );
}
