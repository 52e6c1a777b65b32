/** Where a client connects for one column of the tables: libpq-style settings. */
export type Endpoint = {
  host: string;
  port: number;
  user: string;
  password: string;
  database: string;
};

/**
 * The columns of the tables, in order: PostgreSQL itself; a plain byte relay (what any proxy costs,
 * before it looks at a byte); pgbouncer; the gateway, recording strictly and asynchronously.
 */
export const TARGETS = ["direct", "relay", "pgbouncer", "gateway-strict", "gateway-async"] as const;
export type Target = (typeof TARGETS)[number];

export const TARGET_LABELS: Record<Target, string> = {
  direct: "direct",
  relay: "byte relay",
  pgbouncer: "pgbouncer",
  "gateway-strict": "gateway strict",
  "gateway-async": "gateway async",
};

/** The gateway's columns (compiled workers, one process each). */
export const GATEWAY_TARGETS = ["gateway-strict", "gateway-async"] as const satisfies readonly Target[];
export type GatewayTarget = (typeof GATEWAY_TARGETS)[number];
export const isGatewayTarget = (t: Target): t is GatewayTarget => (GATEWAY_TARGETS as readonly Target[]).includes(t);

/** How pgbouncer pools a scenario's connections: transaction pooling, or session pooling where the scenario keeps prepared statements. */
export type PgbouncerPooling = "transaction" | "session";

/** libpq environment for pgbench / psql (the password never goes on a command line). */
export function libpqEnv(e: Endpoint): Record<string, string> {
  return { PGHOST: e.host, PGPORT: String(e.port), PGUSER: e.user, PGPASSWORD: e.password, PGDATABASE: e.database, PGSSLMODE: "disable" };
}
