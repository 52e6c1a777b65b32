import "server-only";
import { randomUUID } from "node:crypto";
import { connections, policyVersions } from "@/drizzle/schema";
import { appendAuditEvent } from "@/lib/audit/append-event";
import { encryptCaCertificate, encryptCredential } from "@/lib/crypto/credentials";
import type { Db } from "@/lib/db/create-db";
import { defaultPolicy } from "@/lib/policy/default-policy";
import type { PolicyDocument } from "@/lib/policy/policy-document";
import { createConnectionInput, type CreateConnectionInput } from "@/lib/shared/contracts/connections";
import { parseCaCertificate, requireCaFor } from "./ca-certificate";
import { auditableConnection, toConnectionDto } from "./connection-dto";
import { isUniqueViolation, ServiceError } from "./service-error";

/** Creates a catalog entry with its first policy version (the default policy unless one is given). */
export async function createConnection(db: Db, secretKey: Buffer, actor: string, input: CreateConnectionInput, initialPolicy: PolicyDocument = defaultPolicy()) {
  const data = createConnectionInput.parse(input);
  const id = randomUUID();
  const caPem = data.caCertificate?.trim() ? parseCaCertificate(data.caCertificate) : null;
  requireCaFor(data.sslmode, caPem !== null);
  try {
    return await db.transaction(async (tx) => {
      const [row] = await tx
        .insert(connections)
        .values({
          id,
          name: data.name,
          host: data.host,
          port: data.port,
          database: data.database,
          username: data.username,
          passwordCiphertext: data.password ? encryptCredential(secretKey, data.password, id) : null,
          sslmode: data.sslmode,
          caCertificateCiphertext: caPem ? encryptCaCertificate(secretKey, caPem, id) : null,
          allowMd5WithoutTls: data.allowMd5WithoutTls,
          allowedGroups: data.allowedGroups,
          description: data.description,
          createdBy: actor,
        })
        .returning();
      await appendAuditEvent(tx, {
        actor,
        action: "connection.create",
        targetType: "connection",
        targetId: row.id,
        targetName: row.name,
        after: auditableConnection(row),
      });
      await tx.insert(policyVersions).values({ connectionId: row.id, version: 1, document: initialPolicy, author: actor, comment: "Initial policy" });
      return toConnectionDto(row);
    });
  } catch (err) {
    if (isUniqueViolation(err)) {
      throw new ServiceError("A connection with this name exists already.", 409, { name: "A connection with this name exists already." });
    }
    throw err;
  }
}
