import fs from "node:fs";
import path from "node:path";
import pg from "pg";
import { inject } from "vitest";

/**
 * Edits to the test server's own configuration (pg_hba.conf, TLS), for tests of upstream sign-in
 * methods. Only possible when the server's files are on this machine (the embedded default); with a
 * remote TEST_DATABASE_URL those tests are skipped.
 */
export async function serverFiles(): Promise<{ hbaFile: string; dataDir: string } | null> {
  const c = new pg.Client({ connectionString: inject("pgAdminUrl") });
  await c.connect();
  try {
    const hbaFile = (await c.query("show hba_file")).rows[0].hba_file as string;
    const dataDir = (await c.query("show data_directory")).rows[0].data_directory as string;
    return fs.existsSync(hbaFile) ? { hbaFile, dataDir } : null;
  } finally {
    await c.end();
  }
}

export async function adminQuery(sql: string, params: unknown[] = []) {
  const c = new pg.Client({ connectionString: inject("pgAdminUrl") });
  await c.connect();
  try {
    return await c.query(sql, params);
  } finally {
    await c.end();
  }
}

/** Puts lines at the top of pg_hba.conf (first match wins) and reloads; returns an undo. */
export async function prependHba(hbaFile: string, lines: string[]): Promise<() => Promise<void>> {
  const original = fs.readFileSync(hbaFile, "utf8");
  fs.writeFileSync(hbaFile, `${lines.join("\n")}\n${original}`);
  await adminQuery("select pg_reload_conf()");
  return async () => {
    fs.writeFileSync(hbaFile, original);
    await adminQuery("select pg_reload_conf()");
  };
}

/** Turns TLS on with the given certificate (files owned like the data directory); returns an undo. */
export async function enableServerTls(dataDir: string, certPem: string, keyPem: string): Promise<() => Promise<void>> {
  const stat = fs.statSync(dataDir);
  const certFile = path.join(dataDir, "warden-test-server.crt");
  const keyFile = path.join(dataDir, "warden-test-server.key");
  fs.writeFileSync(certFile, certPem, { mode: 0o600 });
  fs.writeFileSync(keyFile, keyPem, { mode: 0o600 });
  fs.chownSync(certFile, stat.uid, stat.gid);
  fs.chownSync(keyFile, stat.uid, stat.gid);
  await adminQuery(`alter system set ssl_cert_file = '${certFile}'`);
  await adminQuery(`alter system set ssl_key_file = '${keyFile}'`);
  await adminQuery("alter system set ssl = on");
  await adminQuery("select pg_reload_conf()");
  return async () => {
    await adminQuery("alter system reset ssl");
    await adminQuery("alter system reset ssl_cert_file");
    await adminQuery("alter system reset ssl_key_file");
    await adminQuery("select pg_reload_conf()");
  };
}
