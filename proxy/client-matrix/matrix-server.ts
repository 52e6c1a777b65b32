import { randomBytes } from "node:crypto";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import pg from "pg";
import { startEmbeddedPostgres, type EmbeddedServer } from "@/lib/db/embedded-postgres";
import { createSelfSignedCertificate } from "../tls/self-signed-certificate";

/** A PostgreSQL database the client matrix signs in to with a password, directly or as the gateway's target. */
export type MatrixDatabase = { host: string; port: number; user: string; password: string; database: string; adminUrl: string };

export type MatrixServer = {
  port: number;
  role: string;
  password: string;
  /** A fresh database owned by the matrix role, with the schema every case expects. */
  createDatabase(prefix: string): Promise<MatrixDatabase>;
  stop(): Promise<void>;
};

/**
 * A PostgreSQL of the matrix's own, with TLS on. The shared test server has no TLS, and turning it
 * on there would change what every other test file's clients negotiate (libpq prefers TLS), while
 * gateway-upstream.itest.ts turns it on and off for its own checks. Each client file starts one,
 * and it is both the direct side and the gateway's target, so both sides meet the same server.
 */
export async function startMatrixServer(): Promise<MatrixServer> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "warden-matrix-"));
  const dataDir = path.join(dir, "pg");
  let server: EmbeddedServer;
  try {
    server = await startEmbeddedPostgres({ dataDir });
  } catch (err) {
    fs.rmSync(dir, { recursive: true, force: true });
    throw err;
  }
  const adminUrl = server.urlFor("postgres");
  await enableTls(adminUrl, dataDir);
  const role = `matrix_${randomBytes(3).toString("hex")}`;
  const password = `pw-${randomBytes(9).toString("base64url")}`;
  await adminQuery(adminUrl, [`create role ${role} login password '${password}'`]);

  return {
    port: server.port,
    role,
    password,
    async createDatabase(prefix) {
      const database = `${prefix}_${randomBytes(3).toString("hex")}`;
      await adminQuery(adminUrl, [`create database ${database} owner ${role}`]);
      const owner = `postgres://${role}:${encodeURIComponent(password)}@127.0.0.1:${server.port}/${database}`;
      await adminQuery(owner, SCHEMA);
      return { host: "127.0.0.1", port: server.port, user: role, password, database, adminUrl: server.urlFor(database) };
    },
    async stop() {
      await server.stop();
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}

/**
 * What the cases find in every database: the `app` schema that startup `options` put first on the
 * search path, and a small table with a primary key for the JDBC metadata calls.
 */
const SCHEMA = [
  "create schema app",
  "create table public.items (id int primary key, name text not null, price numeric(10,2), tags text[], created_at timestamptz default now())",
  "insert into public.items (id, name, price, tags) values (1, 'pen', 1.50, '{office}'), (2, 'ink', 12.00, '{office,refill}')",
  "create table app.notes (note_id bigint generated always as identity primary key, body text)",
];

/** TLS with a self-signed certificate, as a self-hosted PostgreSQL often has; clients connect with sslmode=require. */
async function enableTls(adminUrl: string, dataDir: string) {
  const { certPem, keyPem } = createSelfSignedCertificate({ commonName: "client matrix server" });
  const stat = fs.statSync(dataDir);
  const certFile = path.join(dataDir, "matrix-server.crt");
  const keyFile = path.join(dataDir, "matrix-server.key");
  fs.writeFileSync(certFile, certPem, { mode: 0o600 });
  fs.writeFileSync(keyFile, keyPem, { mode: 0o600 });
  // As root, embedded-postgres runs the server as its own system user, which must own the key.
  fs.chownSync(certFile, stat.uid, stat.gid);
  fs.chownSync(keyFile, stat.uid, stat.gid);
  await adminQuery(adminUrl, [
    `alter system set ssl_cert_file = '${certFile}'`,
    `alter system set ssl_key_file = '${keyFile}'`,
    "alter system set ssl = on",
    "select pg_reload_conf()",
  ]);
  // The postmaster rereads its configuration a moment after the signal.
  const deadline = Date.now() + 10_000;
  for (;;) {
    const client = new pg.Client({ connectionString: adminUrl, ssl: { rejectUnauthorized: false } });
    try {
      await client.connect();
      await client.end();
      return;
    } catch (err) {
      if (Date.now() > deadline) throw err;
      await new Promise((r) => setTimeout(r, 50));
    }
  }
}

async function adminQuery(url: string, statements: string[]) {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    for (const sql of statements) await client.query(sql);
  } finally {
    await client.end();
  }
}
