import fs from "node:fs";
import path from "node:path";
import pg from "pg";
import type { EmbeddedServer } from "./embedded-postgres";

/**
 * Turns TLS on for the embedded PostgreSQL with the given certificate, so the demo connection can
 * run as verify-full like a production one should (its certificate is also the CA stored on the
 * connection). The files go into the data dir, owned like it: as root, the server runs as its own
 * system user, which must be able to read the key. Idempotent: the next start rewrites the same files.
 * https://www.postgresql.org/docs/current/ssl-tcp.html
 */
export async function enableEmbeddedTls(server: EmbeddedServer, pgDataDir: string, cert: { certPem: string; keyPem: string }): Promise<void> {
  const stat = fs.statSync(pgDataDir);
  const certFile = path.join(pgDataDir, "warden-server.crt");
  const keyFile = path.join(pgDataDir, "warden-server.key");
  for (const [file, text] of [
    [certFile, cert.certPem],
    [keyFile, cert.keyPem],
  ] as const) {
    fs.writeFileSync(file, text, { mode: 0o600 });
    fs.chownSync(file, stat.uid, stat.gid);
  }
  const admin = new pg.Client({ connectionString: server.urlFor("postgres") });
  await admin.connect();
  try {
    // File names are ours (the data dir), never input; ALTER SYSTEM takes no bound parameters.
    await admin.query(`alter system set ssl_cert_file = ${admin.escapeLiteral(certFile)}`);
    await admin.query(`alter system set ssl_key_file = ${admin.escapeLiteral(keyFile)}`);
    await admin.query("alter system set ssl = on");
    await admin.query("select pg_reload_conf()");
  } finally {
    await admin.end();
  }
  // The postmaster rereads its configuration a moment after the signal.
  const deadline = Date.now() + 10_000;
  for (;;) {
    const probe = new pg.Client({ connectionString: server.urlFor("postgres"), ssl: { ca: cert.certPem, servername: "localhost" } });
    try {
      await probe.connect();
      await probe.end();
      return;
    } catch (err) {
      await probe.end().catch(() => {});
      if (Date.now() > deadline) throw new Error(`The embedded PostgreSQL did not start TLS: ${(err as Error).message}`);
      await new Promise((r) => setTimeout(r, 50));
    }
  }
}
