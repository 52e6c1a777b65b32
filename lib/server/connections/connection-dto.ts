import "server-only";
import type { Connection } from "@/drizzle/schema";
import type { ConnectionDto } from "@/lib/shared/contracts/connections";

/** The only shape of a connection that leaves the server: the password is reduced to `hasPassword`. */
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
    createdBy: c.createdBy,
    createdAt: c.createdAt.toISOString(),
    updatedAt: c.updatedAt.toISOString(),
  };
}

/** What the audit log keeps of a connection: every field but secrets. */
export function auditableConnection(c: Connection) {
  const { passwordCiphertext, createdAt, updatedAt, ...rest } = c;
  return { ...rest, hasPassword: Boolean(passwordCiphertext) };
}
