import "server-only";
import { eq } from "drizzle-orm";
import { connections } from "@/drizzle/schema";
import { appendAuditEvent } from "@/lib/audit/append-event";
import { encryptCaCertificate, encryptCredential } from "@/lib/crypto/credentials";
import type { Db } from "@/lib/db/create-db";
import { updateConnectionInput, type UpdateConnectionInput } from "@/lib/shared/contracts/connections";
import { parseCaCertificate, requireCaFor } from "./ca-certificate";
import { auditableConnection, toConnectionDto } from "./connection-dto";
import { isUniqueViolation, ServiceError } from "./service-error";

export async function updateConnection(db: Db, secretKey: Buffer, actor: string, id: string, input: UpdateConnectionInput) {
  const data = updateConnectionInput.parse(input);
  const caPem = data.caCertificate?.trim() ? parseCaCertificate(data.caCertificate) : null;
  try {
    return await db.transaction(async (tx) => {
      const [before] = await tx.select().from(connections).where(eq(connections.id, id)).for("update");
      if (!before) throw new ServiceError("This connection does not exist (any more).", 404);
      const passwordCiphertext = data.clearPassword
        ? null
        : data.password
          ? encryptCredential(secretKey, data.password, id)
          : before.passwordCiphertext;
      const caCertificateCiphertext = caPem
        ? encryptCaCertificate(secretKey, caPem, id)
        : data.clearCaCertificate
          ? null
          : before.caCertificateCiphertext;
      requireCaFor(data.sslmode, caCertificateCiphertext !== null);
      // The health describes the settings that were tested: new ones are untested until the next test.
      const isTargetChanged =
        data.host !== before.host ||
        data.port !== before.port ||
        data.database !== before.database ||
        data.username !== before.username ||
        data.sslmode !== before.sslmode ||
        data.allowMd5WithoutTls !== before.allowMd5WithoutTls ||
        passwordCiphertext !== before.passwordCiphertext ||
        caCertificateCiphertext !== before.caCertificateCiphertext;
      const [after] = await tx
        .update(connections)
        .set({
          name: data.name,
          host: data.host,
          port: data.port,
          database: data.database,
          username: data.username,
          sslmode: data.sslmode,
          caCertificateCiphertext,
          allowMd5WithoutTls: data.allowMd5WithoutTls,
          allowedGroups: data.allowedGroups,
          description: data.description,
          passwordCiphertext,
          ...(isTargetChanged && { lastTestedAt: null, lastTestOk: null, lastTestMessage: null }),
          updatedAt: new Date(),
        })
        .where(eq(connections.id, id))
        .returning();
      await appendAuditEvent(tx, {
        actor,
        action: "connection.update",
        targetType: "connection",
        targetId: id,
        targetName: after.name,
        before: auditableConnection(before),
        after: auditableConnection(after),
        details: { passwordChanged: passwordCiphertext !== before.passwordCiphertext, caCertificateChanged: caCertificateCiphertext !== before.caCertificateCiphertext },
      });
      return toConnectionDto(after);
    });
  } catch (err) {
    if (isUniqueViolation(err)) {
      throw new ServiceError("A connection with this name exists already.", 409, { name: "A connection with this name exists already." });
    }
    throw err;
  }
}
