/** Where a client connects for one column of the tables: libpq-style settings. */
export type Endpoint = {
  host: string;
  port: number;
  user: string;
  password: string;
  database: string;
};

/** The columns of the pgbench table, in order. */
export const TARGETS = ["direct", "pgbouncer", "gateway-strict", "gateway-async"] as const;
export type Target = (typeof TARGETS)[number];

export const TARGET_LABELS: Record<Target, string> = {
  direct: "direct",
  pgbouncer: "pgbouncer",
  "gateway-strict": "gateway strict",
  "gateway-async": "gateway async",
};

/** libpq environment for pgbench / psql (the password never goes on a command line). */
export function libpqEnv(e: Endpoint): Record<string, string> {
  return { PGHOST: e.host, PGPORT: String(e.port), PGUSER: e.user, PGPASSWORD: e.password, PGDATABASE: e.database, PGSSLMODE: "disable" };
}
