import "server-only";
import { eq } from "drizzle-orm";
import { tokens } from "@/drizzle/schema";
import type { Db } from "@/lib/db/create-db";
import type { TokenDto } from "@/lib/shared/contracts/tokens";
import { hasAnyRole, type Role } from "@/lib/shared/roles";
import { ServiceError } from "../connections/service-error";
import { revokeToken } from "./revoke-token";

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Revocation from the console: the token's holder may revoke it, and an admin may revoke anyone's. */
export async function revokeTokenAs(db: Db, viewer: { email: string; roles: readonly Role[] }, tokenId: string): Promise<TokenDto> {
  if (!UUID.test(tokenId)) throw new ServiceError("There is no such token.", 404);
  const [found] = await db.select({ userName: tokens.userName }).from(tokens).where(eq(tokens.id, tokenId)).limit(1);
  if (!found) throw new ServiceError("There is no such token.", 404);
  const isOwner = found.userName.toLowerCase() === viewer.email.toLowerCase();
  if (!isOwner && !hasAnyRole(viewer.roles, ["admin"])) throw new ServiceError("You can revoke only your own tokens.", 403);
  return revokeToken(db, viewer.email, tokenId);
}
