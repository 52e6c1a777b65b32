import "server-only";
import { eq, sql } from "drizzle-orm";
import { z } from "zod";
import { ACTOR_KINDS, connections, tokens, users } from "@/drizzle/schema";
import { appendAuditEvent } from "@/lib/audit/append-event";
import { generateToken, hashToken, tokenHint } from "@/lib/crypto/tokens";
import type { Db } from "@/lib/db/create-db";
import { ServiceError } from "../connections/service-error";
import type { TokenDto } from "@/lib/shared/contracts/tokens";
import { auditableToken, toTokenDto } from "./token-dto";
import { DEFAULT_TOKEN_TTL_MS, MAX_TOKEN_TTL_MS } from "./token-ttl";

export const createTokenInput = z.object({
  userName: z.string().trim().min(1, "Enter the user the token signs in as.").max(320),
  connectionName: z.string().trim().min(1, "Choose a connection."),
  ttlMs: z.number().int().min(1000).max(MAX_TOKEN_TTL_MS, "Tokens live at most 90 days.").default(DEFAULT_TOKEN_TTL_MS),
  actorKind: z.enum(ACTOR_KINDS).default("human"),
  agentName: z.string().trim().max(100).nullish(),
  /** The holder's groups when they have no console user row (service accounts); otherwise taken from it. */
  groups: z.array(z.string().trim().min(1).max(100)).max(50).optional(),
});
export type CreateTokenInput = z.input<typeof createTokenInput>;

/**
 * Mints a token for one user on one connection. The token is returned once and stored only as an
 * HMAC; the audit event names the token by id and hint. Refuses a user none of whose groups is
 * allowed on the connection, since the gateway would refuse the sign-in anyway.
 */
export async function createToken(db: Db, secretKey: Buffer, actor: string, input: CreateTokenInput): Promise<{ token: string; tokenInfo: TokenDto }> {
  const data = createTokenInput.parse(input);
  const [connection] = await db.select().from(connections).where(eq(connections.name, data.connectionName)).limit(1);
  if (!connection) throw new ServiceError(`There is no connection named "${data.connectionName}".`, 404, { connectionName: "No such connection." });
  const [user] = await db
    .select({ groups: users.groups })
    .from(users)
    .where(sql`lower(${users.email}) = ${data.userName.toLowerCase()}`)
    .limit(1);
  const groups = data.groups ?? user?.groups ?? [];
  if (!groups.some((g) => connection.allowedGroups.includes(g))) {
    const known = user ? `is in ${groups.join(", ") || "no groups"}` : data.groups ? `was given ${groups.join(", ") || "no groups"}` : "has never signed in to the console (pass the groups of a service account explicitly)";
    throw new ServiceError(
      `${data.userName} ${known}; connection "${connection.name}" allows ${connection.allowedGroups.join(", ") || "no groups"}.`,
      422,
      { userName: "This user is not allowed on the connection." },
    );
  }
  const token = generateToken();
  return db.transaction(async (tx) => {
    const [row] = await tx
      .insert(tokens)
      .values({
        tokenHash: hashToken(secretKey, token),
        hint: tokenHint(token),
        userName: data.userName,
        actorKind: data.actorKind,
        agentName: data.agentName ?? null,
        connectionId: connection.id,
        groups,
        createdBy: actor,
        expiresAt: new Date(Date.now() + data.ttlMs),
      })
      .returning();
    await appendAuditEvent(tx, {
      actor,
      action: "token.create",
      targetType: "token",
      targetId: row.id,
      targetName: row.hint,
      after: auditableToken(row, connection.name),
    });
    return { token, tokenInfo: toTokenDto(row, connection.name) };
  });
}
