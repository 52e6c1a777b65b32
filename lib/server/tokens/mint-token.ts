import "server-only";
import type { Db } from "@/lib/db/create-db";
import type { RuntimeConfig } from "@/lib/shared/config";
import { createTokenRequest, TOKEN_EXPIRIES, type CreatedTokenDto, type CreateTokenRequest } from "@/lib/shared/contracts/tokens";
import { hasAnyRole, type Role } from "@/lib/shared/roles";
import { ServiceError } from "../connections/service-error";
import { connectInstructions } from "./connect-instructions";
import { createToken } from "./create-token";
import { gatewayAddress } from "./gateway-address";

export type TokenMinter = { email: string; roles: readonly Role[] };

/**
 * The console's "Create token": a person mints for themselves (groups from their user row); an admin
 * may also mint for someone else or for a service account. createToken checks the connection allows
 * the holder's groups and audits the mint in the same transaction. The answer carries the token once,
 * with a ready psql command and the environment variables an agent reads.
 */
export async function mintToken(db: Db, config: Pick<RuntimeConfig, "WARDEN_SECRET_KEY" | "PUBLIC_URL" | "GATEWAY_PORT">, minter: TokenMinter, request: CreateTokenRequest): Promise<CreatedTokenDto> {
  const r = createTokenRequest.parse(request);
  const isAdmin = hasAnyRole(minter.roles, ["admin"]);
  const userName = r.userName || minter.email;
  if (!isAdmin) {
    if (userName.toLowerCase() !== minter.email.toLowerCase()) throw new ServiceError("You can create tokens only for yourself.", 403, { userName: "Only admins can create tokens for others." });
    if (r.groups) throw new ServiceError("Only admins can set a token's groups.", 403, { groups: "Only admins can set a token's groups." });
    if (r.actorKind === "service") throw new ServiceError("Only admins can create service tokens.", 403, { actorKind: "Only admins can create service tokens." });
  }
  const { token, tokenInfo } = await createToken(db, config.WARDEN_SECRET_KEY, minter.email, {
    userName,
    connectionName: r.connectionName,
    ttlMs: TOKEN_EXPIRIES[r.expiresIn].ms,
    actorKind: r.actorKind,
    agentName: r.actorKind === "human" ? null : r.agentName || null,
    groups: isAdmin && r.groups?.length ? r.groups : undefined,
  });
  const { host, port } = gatewayAddress(config);
  // require: the gateway always offers TLS (a self-signed certificate on the embedded default), and
  // the password is a token that must not cross the network in clear.
  const instructions = connectInstructions({ host, port, userName: tokenInfo.userName, token, connectionName: tokenInfo.connectionName, sslmode: "require" });
  return { token, tokenInfo, instructions };
}
