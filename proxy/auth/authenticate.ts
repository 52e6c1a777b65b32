import { eq } from "drizzle-orm";
import { connections, tokens, type Connection } from "@/drizzle/schema";
import { findHolderGroups, findLiveToken, type LiveTokenLookup } from "@/lib/crypto/find-live-token";
import { generateToken, isTokenShaped } from "@/lib/crypto/tokens";
import type { Db } from "@/lib/db/create-db";
import { ClientError } from "../protocol/client-error";
import { SqlState } from "../protocol/sql-state";
import { isConnectionError } from "../recording/group-commit";
import { isAllowedOn, type Identity } from "./identity";
import { FAILURE_REASONS, SignInRefused, type FailureReason } from "./sign-in-failure";
import { JwtRejected, type JwtVerifier, type VerifiedJwt } from "./verify-jwt";

export type SignIn = { userName: string; database: string; password: string };

/** Looked up in place of a password that is no credential at all, so that refusal costs what an unknown token costs. */
const STAND_IN_TOKEN = generateToken();

const JWT_SHAPE = /^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]*$/;

/**
 * Checks a sign-in: the password is a Warden token or a JWT from a trusted issuer, for this user;
 * the database name is a connection in the catalog; the token is scoped to it; the user's groups
 * are allowed on it. Every refusal is a SignInRefused whose reason is for the audit trail only: the
 * session answers them all alike (sign-in-failure.ts). The connection is looked up alongside the
 * credential, whichever fails, so an unknown database costs the same store work as a known one.
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
      if (JWT_SHAPE.test(s.password)) return await this.withJwt(s);
      // Costs what an unknown token costs: its HMAC and both look-ups.
      await Promise.all([findLiveToken(this.db, this.secretKey, STAND_IN_TOKEN), this.connectionNamed(s.database)]);
    } catch (err) {
      // Tokens, connections and trusted issuers live in the store: without it nobody can be let in,
      // and the client should try again rather than read an internal error.
      if (!(err instanceof ClientError) && !(err instanceof SignInRefused) && isConnectionError(err)) throw storeUnreachable(err);
      throw err;
    }
    throw refused(FAILURE_REASONS.notACredential, "the password is neither a Warden token nor a JWT");
  }

  private async withToken(s: SignIn): Promise<Identity> {
    const [found, connection] = await Promise.all([findLiveToken(this.db, this.secretKey, s.password), this.connectionNamed(s.database)]);
    const groups = found.isLive ? await findHolderGroups(this.db, found.token) : await findHolderGroups(this.db, { userName: s.userName, groups: [] });
    if (!found.isLive) throw refused(tokenReason(found), found.reason);
    const { token } = found;
    if (token.userName.toLowerCase() !== s.userName.toLowerCase()) throw refused(FAILURE_REASONS.tokenOtherUser, `the Warden token was issued to "${token.userName}"`);
    if (!connection) throw refused(FAILURE_REASONS.databaseUnknown, `no connection is named "${s.database}"`);
    if (token.connectionId !== connection.id) throw refused(FAILURE_REASONS.tokenOtherConnection, `the Warden token is for connection "${token.connectionName}", not "${s.database}"`);
    this.checkAllowed(connection, groups);
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
    const [verified, connection] = await Promise.all([this.verifyJwt(s.password), this.connectionNamed(s.database)]);
    if (verified.user.toLowerCase() !== s.userName.toLowerCase()) throw refused(FAILURE_REASONS.jwtOtherUser, `the JWT is for "${verified.user}"`);
    if (!connection) throw refused(FAILURE_REASONS.databaseUnknown, `no connection is named "${s.database}"`);
    this.checkAllowed(connection, verified.groups);
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

  private async verifyJwt(jwt: string): Promise<VerifiedJwt> {
    try {
      return await this.jwt.verify(jwt);
    } catch (err) {
      if (err instanceof JwtRejected) throw refused(err.reason, err.message);
      throw err;
    }
  }

  private async connectionNamed(name: string): Promise<Connection | undefined> {
    const [connection] = await this.db.select().from(connections).where(eq(connections.name, name)).limit(1);
    return connection;
  }

  private checkAllowed(connection: Connection, groups: string[]) {
    if (isAllowedOn(groups, connection.allowedGroups)) return;
    throw refused(FAILURE_REASONS.notAllowed, `groups ${groups.join(", ") || "(none)"} are not among the connection's allowed groups ${connection.allowedGroups.join(", ") || "(none)"}`);
  }
}

function tokenReason(found: Extract<LiveTokenLookup, { isLive: false }>): FailureReason {
  if (found.code === "revoked") return FAILURE_REASONS.tokenRevoked;
  if (found.code === "expired") return FAILURE_REASONS.tokenExpired;
  return FAILURE_REASONS.tokenUnknown;
}

function refused(reason: FailureReason, detail: string): SignInRefused {
  return new SignInRefused(reason, detail);
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
