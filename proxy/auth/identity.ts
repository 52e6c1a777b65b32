import type { ActorKind, Connection } from "@/drizzle/schema";

/** Who signed in to the gateway, how, and for which catalog connection. */
export type Identity = {
  userName: string;
  actorKind: ActorKind;
  agentName: string | null;
  groups: string[];
  authMethod: "token" | "jwt";
  tokenId: string | null;
  /** When the credential stops being valid; the session ends then. */
  expiresAt: Date | null;
  connection: Connection;
};

/** A connection with no allowed groups admits nobody (fail closed). */
export function isAllowedOn(groups: string[], allowedGroups: string[]): boolean {
  return groups.some((g) => allowedGroups.includes(g));
}
