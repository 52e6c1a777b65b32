import type { ActorKind, Connection } from "@/drizzle/schema";

/** Who signed in to the gateway, how, and for which catalog connection. */
export type Identity = {
  userName: string;
  actorKind: ActorKind;
  agentName: string | null;
  groups: string[];
  authMethod: "token" | "jwt";
  tokenId: string | null;
  /** Who minted the token (a console user's email, or `cli:user@host`); null for a JWT, whose subject is the person themself. */
  tokenMintedBy: string | null;
  /** When the credential stops being valid; the session ends then. */
  expiresAt: Date | null;
  connection: Connection;
};

/** A connection with no allowed groups admits nobody (fail closed). */
export function isAllowedOn(groups: string[], allowedGroups: string[]): boolean {
  return groups.some((g) => allowedGroups.includes(g));
}
