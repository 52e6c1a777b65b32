import "server-only";
import { sql } from "drizzle-orm";
import type { DbOrTx } from "@/lib/db/create-db";
import type { TopActor, TopActors } from "@/lib/shared/contracts/overview";
import { toCount, userCondition, type ActivityFilter } from "./activity-scope";
import type { ActivityWindow } from "./activity-windows";

export const TOP_ACTORS_LIMIT = 5;

/**
 * The busiest and most blocked people and agents over a window. Statements are counted per session
 * over the received_at range first (the index), then joined to their few sessions, so the join is
 * per session and not per statement. Blocked: every statement the gateway refused (status
 * 'blocked'), by policy or by a reviewer.
 */
export async function listTopActors(db: DbOrTx, filter: ActivityFilter, window: ActivityWindow): Promise<{ people: TopActors; agents: TopActors }> {
  const result = await db.execute(sql`
    with per_session as (
      select st.session_id, count(*) as statements, count(*) filter (where st.status = 'blocked') as blocked
      from statements st
      where st.received_at >= ${window.from.toISOString()}::timestamptz and st.received_at < ${window.to.toISOString()}::timestamptz
      group by st.session_id
    )
    select s.actor_kind, case when s.actor_kind = 'human' then s.user_name else coalesce(s.agent_name, s.user_name) end as name,
           sum(p.statements) as statements, sum(p.blocked) as blocked
    from per_session p join sessions s on s.id = p.session_id
    where true${userCondition(filter, sql`s.user_name`)}
    group by 1, 2`);
  const people: TopActor[] = [];
  const agents: TopActor[] = [];
  for (const r of result.rows) {
    (r.actor_kind === "human" ? people : agents).push({ name: String(r.name), statements: toCount(r.statements), blocked: toCount(r.blocked) });
  }
  return { people: rankActors(people), agents: rankActors(agents) };
}

function rankActors(actors: TopActor[]): TopActors {
  const by = (key: "statements" | "blocked") => (a: TopActor, b: TopActor) => b[key] - a[key] || a.name.localeCompare(b.name);
  return {
    byStatements: [...actors].sort(by("statements")).slice(0, TOP_ACTORS_LIMIT),
    byBlocks: actors.filter((a) => a.blocked > 0).sort(by("blocked")).slice(0, TOP_ACTORS_LIMIT),
  };
}
