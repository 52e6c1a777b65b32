import { randomBytes } from "node:crypto";
import { eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { connections } from "@/drizzle/schema";
import { encryptCredential } from "@/lib/crypto/credentials";
import { createSelfSignedCertificate } from "./tls/self-signed-certificate";
import { startGatewayFixture, type GatewayFixture } from "./testing/gateway-fixture";
import { adminQuery, enableServerTls, prependHba, serverFiles } from "./testing/server-settings";

const files = await serverFiles();

describe.skipIf(!files)("gateway: upstream sign-in methods and TLS", () => {
  let fx: GatewayFixture;
  const undo: (() => Promise<void>)[] = [];
  const suffix = randomBytes(3).toString("hex");
  const md5Role = `md5_${suffix}`;
  const plainRole = `plain_${suffix}`;
  const tlsRole = `tls_${suffix}`;
  const password = `Secret-${randomBytes(6).toString("hex")}`;

  beforeAll(async () => {
    fx = await startGatewayFixture();
    // MD5 needs an MD5-hashed password (a session setting while creating the role).
    await adminQuery(`do $$ begin set local password_encryption = 'md5'; create role ${md5Role} login password '${password}'; end $$`);
    await adminQuery(`create role ${plainRole} login password '${password}'`);
    await adminQuery(`create role ${tlsRole} login password '${password}'`);
    for (const r of [md5Role, plainRole, tlsRole]) await adminQuery(`grant connect on database ${new URL(fx.targetAdminUrl).pathname.slice(1)} to ${r}`);
    undo.push(
      await prependHba(files!.hbaFile, [
        `host all ${md5Role} 127.0.0.1/32 md5`,
        `host all ${md5Role} ::1/128 md5`,
        `host all ${plainRole} 127.0.0.1/32 password`,
        `host all ${plainRole} ::1/128 password`,
        `hostssl all ${tlsRole} 127.0.0.1/32 scram-sha-256`,
        `hostssl all ${tlsRole} ::1/128 scram-sha-256`,
        `hostnossl all ${tlsRole} all reject`,
      ]),
    );
  });
  afterAll(async () => {
    for (const u of undo.reverse()) await u();
    await fx?.close();
  });

  async function pointCatalogAt(username: string, sslmode: "disable" | "prefer" | "require" | "verify-full" = "disable", host?: string) {
    const id = fx.connectionId;
    await fx.db.update(connections).set({ username, sslmode, passwordCiphertext: encryptCredential(fx.secretKey, password, id), ...(host ? { host } : {}) }).where(eq(connections.id, id));
  }

  it("signs in upstream with MD5 and with a cleartext password, and never shows the password to the client", async () => {
    for (const role of [md5Role, plainRole]) {
      await pointCatalogAt(role);
      const c = await fx.connect();
      expect((await c.query("select current_user as u")).rows).toEqual([{ u: role }]);
      await c.end();
    }
    // A wrong stored password: the client learns the upstream refused, not the password.
    const id = fx.connectionId;
    await fx.db.update(connections).set({ username: md5Role, passwordCiphertext: encryptCredential(fx.secretKey, "wrong-password", id) }).where(eq(connections.id, id));
    const err = await fx.connect().catch((e) => e);
    expect(err).toMatchObject({ code: "08001", message: expect.stringMatching(/could not connect to connection "orders": password authentication failed/) });
    expect(JSON.stringify(err)).not.toContain("wrong-password");
    expect(err.message).not.toContain(password);
  });

  it("connects upstream over TLS per sslmode, and refuses verify-full against an untrusted certificate", async () => {
    const { certPem, keyPem } = createSelfSignedCertificate({ commonName: "test server" });
    undo.push(await enableServerTls(files!.dataDir, certPem, keyPem));
    await pointCatalogAt(tlsRole, "require");
    const c = await fx.connect();
    expect((await c.query("select ssl from pg_stat_ssl where pid = pg_backend_pid()")).rows).toEqual([{ ssl: true }]);
    await c.end();
    await pointCatalogAt(tlsRole, "prefer");
    const p = await fx.connect();
    expect((await p.query("select ssl from pg_stat_ssl where pid = pg_backend_pid()")).rows).toEqual([{ ssl: true }]);
    await p.end();
    await pointCatalogAt(tlsRole, "verify-full", "localhost");
    const err = await fx.connect().catch((e) => e);
    expect(err).toMatchObject({ code: "08001", message: expect.stringMatching(/TLS .* failed \(sslmode=verify-full\)/) });
    // With TLS required by the server, sslmode=disable is refused upstream.
    await pointCatalogAt(tlsRole, "disable");
    expect(await fx.connect().catch((e) => e)).toMatchObject({ code: "08001", message: expect.stringMatching(/no encryption|rejects connection/) });
  });
});
