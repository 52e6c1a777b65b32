import Link from "next/link";
import { ActivityDashboard } from "@/components/overview/activity-dashboard";
import { requirePageRole } from "@/lib/server/auth/guards";
import { getDb } from "@/lib/server/db";
import { getActivityOverview } from "@/lib/server/overview/get-activity-overview";
import { hasAnyRole, ROLE_LABELS } from "@/lib/shared/roles";

export default async function OverviewPage() {
  const user = await requirePageRole([], "/");
  const overview = await getActivityOverview(getDb(), user);
  const isAdmin = hasAnyRole(user.roles, ["admin"]);
  const canAudit = hasAnyRole(user.roles, ["admin", "auditor"]);
  const canReview = hasAnyRole(user.roles, ["admin", "reviewer"]);
  // Organisation-wide counts: only for the roles the service returns them to (admins and auditors).
  const stats = overview.organisation
    ? [
        { label: "Connections in the catalog", value: overview.organisation.connections, href: isAdmin ? "/connections" : undefined },
        { label: "People who signed in", value: overview.organisation.users },
        { label: "Audit events, last 24 h", value: overview.organisation.auditEventsToday, href: canAudit ? "/audit" : undefined },
      ]
    : [];
  return (
    <div className="max-w-6xl">
      <h1 className="text-2xl font-semibold tracking-tight">Welcome, {user.name}</h1>
      <p className="mt-1 text-sm text-slate-600">
        Signed in as {user.email} · {user.roles.map((r) => ROLE_LABELS[r]).join(", ")}
      </p>
      {stats.length > 0 && (
        <dl className="mt-6 grid gap-4 sm:grid-cols-3" data-testid="organisation-counters">
          {stats.map((s) => (
            <div key={s.label} className="rounded-lg border border-slate-200 bg-white p-5 shadow-sm">
              <dt className="text-sm text-slate-500">{s.label}</dt>
              <dd className="mt-1 text-3xl font-semibold tabular-nums">
                {s.href ? <Link href={s.href} className="hover:text-brand-600">{s.value}</Link> : s.value}
              </dd>
            </div>
          ))}
        </dl>
      )}
      <ActivityDashboard initial={overview} canReview={canReview} />
      <section className="mt-8 rounded-lg border border-slate-200 bg-white p-5 shadow-sm">
        <h2 className="font-semibold">How Warden works</h2>
        <p className="mt-2 text-sm text-slate-600">
          People and AI agents connect to PostgreSQL through the Warden gateway with their normal tools. The gateway signs them in with a
          short-lived token or an SSO token, uses a database credential they never see, and records every statement.
          {isAdmin && " Register the databases they may reach under Connections."}
        </p>
      </section>
    </div>
  );
}
