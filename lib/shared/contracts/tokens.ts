import { z } from "zod";
import { groupNameList } from "./group-names";
import { ACTOR_KINDS, type ActorKind } from "./sessions";

/** What lists show of a Warden token: never the token or its hash. */
export type TokenDto = {
  id: string;
  hint: string;
  userName: string;
  actorKind: ActorKind;
  agentName: string | null;
  connectionId: string;
  connectionName: string;
  groups: string[];
  createdBy: string;
  createdAt: string;
  expiresAt: string;
  revokedAt: string | null;
  revokedBy: string | null;
  lastUsedAt: string | null;
  status: "active" | "expired" | "revoked";
};

/** The lifetimes the console offers; short by default, because a token is a password. */
export const TOKEN_EXPIRIES = {
  "1h": { label: "1 hour", ms: 3_600_000 },
  "8h": { label: "8 hours", ms: 8 * 3_600_000 },
  "24h": { label: "24 hours", ms: 24 * 3_600_000 },
  "7d": { label: "7 days", ms: 7 * 86_400_000 },
} as const;
export type TokenExpiry = keyof typeof TOKEN_EXPIRIES;
export const TOKEN_EXPIRY_KEYS = Object.keys(TOKEN_EXPIRIES) as TokenExpiry[];

/**
 * `POST /api/tokens`. Everyone mints for themselves; only admins may name another user, give a
 * service account's groups, or choose the `service` actor kind.
 */
export const createTokenRequest = z
  .object({
    connectionName: z.string().trim().min(1, "Choose a connection."),
    expiresIn: z.enum(TOKEN_EXPIRY_KEYS as [TokenExpiry, ...TokenExpiry[]], { error: "Choose how long the token lives." }),
    actorKind: z.enum(ACTOR_KINDS).default("human"),
    agentName: z.string().trim().max(100, "Keep the agent name under 100 characters.").optional(),
    userName: z.string().trim().max(320).optional(),
    groups: groupNameList.optional(),
  })
  .superRefine((r, ctx) => {
    // Sessions show the agent's name next to the person; an agent token without one would be anonymous.
    if (r.actorKind === "agent" && !r.agentName) ctx.addIssue({ code: "custom", path: ["agentName"], message: "Name the agent (for example claude-code or ci-nightly)." });
  });
export type CreateTokenRequest = z.input<typeof createTokenRequest>;

export type ConnectInstructionsDto = { psqlCommand: string; uri: string; env: Record<string, string> };

/** The answer to a mint: the token itself, shown once and never again, and how to use it. */
export type CreatedTokenDto = { token: string; tokenInfo: TokenDto; instructions: ConnectInstructionsDto };

/** A connection as the Connect page offers it: no host, user or credential of the target. */
export type UsableConnectionDto = { id: string; name: string; description: string };

/** A page of `GET /api/tokens`, newest first; `nextCursor` asks for the next (older) page. */
export type TokenPageDto = { tokens: TokenDto[]; nextCursor: string | null };

export const TOKENS_PAGE_SIZE = 50;

export const tokensQuery = z.object({
  mine: z.literal("1").optional(),
  user: z.string().trim().min(1).max(320).optional(),
  active: z.literal("1").optional(),
  /** The previous page's `nextCursor`. */
  cursor: z.string().max(300).regex(/^[A-Za-z0-9_-]+$/, "Not a cursor.").optional(),
  limit: z.coerce.number().int().min(1).max(200).default(TOKENS_PAGE_SIZE),
});
