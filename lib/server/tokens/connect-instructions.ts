import "server-only";

/**
 * What the Connect page (and the CLI) show once, right after minting a token: a psql URI and the
 * environment variables libpq-based tools and agents read.
 */
export function connectInstructions(p: { host: string; port: number; userName: string; token: string; connectionName: string; sslmode: "disable" | "prefer" | "require" }) {
  const auth = `${encodeURIComponent(p.userName)}:${encodeURIComponent(p.token)}`;
  const uri = `postgresql://${auth}@${p.host}:${p.port}/${encodeURIComponent(p.connectionName)}?sslmode=${p.sslmode}`;
  return {
    psqlCommand: `psql "${uri}"`,
    uri,
    env: {
      PGHOST: p.host,
      PGPORT: String(p.port),
      PGUSER: p.userName,
      PGPASSWORD: p.token,
      PGDATABASE: p.connectionName,
      PGSSLMODE: p.sslmode,
      DATABASE_URL: uri,
    },
  };
}
