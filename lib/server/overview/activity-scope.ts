import "server-only";
import { sql, type SQL } from "drizzle-orm";
import { ORGANISATION_ACTIVITY_ROLES, ORGANISATION_COUNTER_ROLES, type ActivityScope } from "@/lib/shared/contracts/overview";
import { hasAnyRole, type Role } from "@/lib/shared/roles";

export type ActivityViewer = { email: string; roles: readonly Role[] };

/**
 * What part of the activity a viewer sees. Developers see the sessions they signed in to the gateway
 * with their console email, matched exactly as the Sessions page matches them (session-visibility.ts);
 * the restriction is applied in every query here, not by hiding parts of the page.
 */
export type ActivityFilter = { scope: ActivityScope; userName: string | null };

export function activityFilterFor(viewer: ActivityViewer): ActivityFilter {
  return hasAnyRole(viewer.roles, ORGANISATION_ACTIVITY_ROLES) ? { scope: "organisation", userName: null } : { scope: "own", userName: viewer.email };
}

export function canSeeOrganisationCounters(viewer: ActivityViewer): boolean {
  return hasAnyRole(viewer.roles, ORGANISATION_COUNTER_ROLES);
}

/** `and <column> = <user>` for a scoped viewer, nothing for the organisation. */
export function userCondition(filter: ActivityFilter, column: SQL): SQL {
  return filter.userName === null ? sql`` : sql` and ${column} = ${filter.userName}`;
}

/**
 * The outcome of a statement (alias `st`), one per statement, in the order the contract documents:
 * held, blocked, error, masked, ok. `ok` is what is left, so the five always add up to the count.
 */
export const OUTCOME_COUNTS_SQL = sql.raw(`
  count(*) filter (where st.decision = 'hold') as held,
  count(*) filter (where st.decision <> 'hold' and st.status = 'blocked') as blocked,
  count(*) filter (where st.decision <> 'hold' and st.status = 'error') as error,
  count(*) filter (where st.decision <> 'hold' and st.status in ('ok', 'suspended')
                     and jsonb_typeof(st.masked_columns) = 'array' and st.masked_columns <> '[]'::jsonb) as masked,
  count(*) as total`);

export const toCount = (v: unknown): number => (v === null || v === undefined ? 0 : Number(v));
