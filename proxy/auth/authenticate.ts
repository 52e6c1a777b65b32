import { eq } from "drizzle-orm";
import { connections, tokens } from "@/drizzle/schema";
import { findHolderGroups, findLiveToken } from "@/lib/crypto/find-live-token";
import { isTokenShaped } from "@/lib/crypto/tokens";
import type { Db } from "@/lib/db/create-db";
import { ClientError } from "../protocol/client-error";
import { SqlState } from "../protocol/sql-state";
import { isConnectionError } from "../recording/group-commit";
import { isAllowedOn, type Identity } from "./identity";
import { JwtRejected, type JwtVerifier } from "./verify-jwt";

export type SignIn = { userName: string; database: string; password: string };

const TOKEN_HINT = "Use a Warden token (wdn_…) from the connection's Connect page or `npx warden token create`, or a JWT from a trusted identity provider.";

/**
 * Checks a sign-in: the password is a Warden token or a JWT from a trusted issuer, for this user;
 * the database name is a connection in the catalog; the token is scoped to it; the user's groups
 * are allowed on it. Each refusal is a FATAL ClientError with the SQLSTATE PostgreSQL would use
 * (28P01 bad password, 28000 not allowed, 3D000 no such database) and a message that helps.
 */
export class Authenticator {
  constructor(
    private readonly db: Db,
    private readonly secretKey: Buffer,
    private readonly jwt: JwtVerifier,
  ) {}

  async authenticate(s: SignIn): Promise<Identity> {
    try {
      if (isTokenShaped(s.password)) return await this.withToken(s);
      if (/^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]*$/.test(s.password)) return await this.withJwt(s);
    } catch (err) {
      // Tokens, connections and trusted issuers live in the store: without it nobody can be let in,
      // and the client should try again rather than read an internal error.
      if (!(err instanceof ClientError) && isConnectionError(err)) throw storeUnreachable(err);
      throw err;
    }
    throw badPassword(s.userName, "the password is neither a Warden token nor a JWT");
  }

  private async withToken(s: SignIn): Promise<Identity> {
    // Store errors thrown here become 57P03 in authenticate(), as before.
    const found = await findLiveToken(this.db, this.secretKey, s.password);
    if (!found.isLive) throw badPassword(s.userName, found.reason);
    const { token } = found;
    if (token.userName.toLowerCase() !== s.userName.toLowerCase()) throw badPassword(s.userName, "the Warden token was issued to another user");
    const connection = await this.connectionNamed(s.database);
    if (token.connectionId !== connection.id) {
      throw ClientError.fatal(SqlState.InvalidAuthorizationSpecification, `the Warden token is not valid for connection "${s.database}"`, {
        hint: "Tokens are scoped to one connection: mint one for this connection.",
      });
    }
    const groups = await findHolderGroups(this.db, token);
    this.checkAllowed(s, connection, groups);
    void this.db
      .update(tokens)
      .set({ lastUsedAt: new Date() })
      .where(eq(tokens.id, token.id))
      .catch(() => {});
    return {
      userName: token.userName,
      actorKind: token.actorKind,
      agentName: token.agentName,
      groups,
      authMethod: "token",
      tokenId: token.id,
      tokenMintedBy: token.createdBy,
      expiresAt: token.expiresAt,
      connection,
    };
  }

  private async withJwt(s: SignIn): Promise<Identity> {
    let verified;
    try {
      verified = await this.jwt.verify(s.password);
    } catch (err) {
      if (err instanceof JwtRejected) throw badPassword(s.userName, err.message);
      throw err;
    }
    if (verified.user.toLowerCase() !== s.userName.toLowerCase()) throw badPassword(s.userName, `the JWT is for "${verified.user}", not "${s.userName}"`);
    const connection = await this.connectionNamed(s.database);
    this.checkAllowed(s, connection, verified.groups);
    return {
      userName: verified.user,
      actorKind: verified.issuer.actorKind,
      agentName: null,
      groups: verified.groups,
      authMethod: "jwt",
      tokenId: null,
      tokenMintedBy: null,
      expiresAt: verified.expiresAt,
      connection,
    };
  }

  private async connectionNamed(name: string) {
    const [connection] = await this.db.select().from(connections).where(eq(connections.name, name)).limit(1);
    if (!connection) {
      throw ClientError.fatal(SqlState.InvalidCatalogName, `database "${name}" does not exist`, {
        hint: "The database name selects a connection from Warden's catalog; ask an admin for its name.",
      });
    }
    return connection;
  }

  private checkAllowed(s: SignIn, connection: { allowedGroups: string[] }, groups: string[]) {
    if (isAllowedOn(groups, connection.allowedGroups)) return;
    throw ClientError.fatal(SqlState.InvalidAuthorizationSpecification, `user "${s.userName}" is not allowed on connection "${s.database}"`, {
      detail: `Allowed groups: ${connection.allowedGroups.join(", ") || "none"}. The user's groups: ${groups.join(", ") || "none"}.`,
      hint: "Ask an admin to allow one of your groups on this connection.",
    });
  }
}

/**
 * 57P03 cannot_connect_now, as PostgreSQL answers while it starts up: clients and poolers retry. Not
 * a failed sign-in (nothing was wrong with the credential). `storeError` is for the log only: the
 * client is not told the store's address.
 */
export class StoreUnreachable extends ClientError {
  override name = "StoreUnreachable";
  constructor(readonly storeError: string) {
    super(SqlState.CannotConnectNow, "the Warden store is unreachable; try again", "FATAL");
  }
}

function storeUnreachable(err: unknown): StoreUnreachable {
  const e = err as Error & { cause?: Error };
  return new StoreUnreachable(e?.cause?.message ?? e?.message ?? String(err));
}

function badPassword(userName: string, why: string): ClientError {
  return ClientError.fatal(SqlState.InvalidPassword, `password authentication failed for user "${userName}": ${why}`, { hint: TOKEN_HINT });
}
