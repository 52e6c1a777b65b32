import "server-only";
import type { Connection } from "@/drizzle/schema";
import type { ConnectionDto } from "@/lib/shared/contracts/connections";

/** The only shape of a connection that leaves the server: the password and CA are reduced to `hasPassword` and `hasCaCertificate`. */
export function toConnectionDto(c: Connection): ConnectionDto {
  return {
    id: c.id,
    name: c.name,
    host: c.host,
    port: c.port,
    database: c.database,
    username: c.username,
    sslmode: c.sslmode,
    allowedGroups: c.allowedGroups,
    description: c.description,
    hasPassword: Boolean(c.passwordCiphertext),
    allowMd5WithoutTls: c.allowMd5WithoutTls,
    hasCaCertificate: Boolean(c.caCertificateCiphertext),
    health: c.lastTestedAt ? { testedAt: c.lastTestedAt.toISOString(), isOk: c.lastTestOk === true, message: c.lastTestMessage ?? "" } : null,
    createdBy: c.createdBy,
    createdAt: c.createdAt.toISOString(),
    updatedAt: c.updatedAt.toISOString(),
  };
}

/** What the audit log keeps of a connection: every setting but secrets (health is an observation, not a setting). */
export function auditableConnection(c: Connection) {
  const { passwordCiphertext, caCertificateCiphertext, createdAt, updatedAt, lastTestedAt, lastTestOk, lastTestMessage, ...rest } = c;
  return { ...rest, hasPassword: Boolean(passwordCiphertext), hasCaCertificate: Boolean(caCertificateCiphertext) };
}
