import { z } from "zod";
import { EVENT_TYPE_PATTERN, webhookUrlProblem } from "./contracts/event-sinks";

/**
 * Every setting Warden reads from the environment, validated once per process.
 * Nothing else reads `process.env`: entry points call `parseConfig(process.env)` and pass the result on.
 */

const port = (name: string, fallback: number) =>
  z
    .string()
    .optional()
    .transform((v, ctx) => {
      if (v === undefined || v === "") return fallback;
      const n = Number(v);
      if (!Number.isInteger(n) || n < 1 || n > 65535) {
        ctx.addIssue({ code: "custom", message: `${name} must be a port number from 1 to 65535 (got "${v}").` });
        return z.NEVER;
      }
      return n;
    });

const optionalUrl = (name: string, protocols: string[]) =>
  z
    .string()
    .optional()
    .transform((v, ctx) => {
      if (v === undefined || v === "") return undefined;
      let url: URL;
      try {
        url = new URL(v);
      } catch {
        ctx.addIssue({ code: "custom", message: `${name} must be a URL (got "${redact(v)}").` });
        return z.NEVER;
      }
      if (!protocols.includes(url.protocol)) {
        ctx.addIssue({
          code: "custom",
          message: `${name} must start with ${protocols.map((p) => `${p}//`).join(" or ")} (got "${redact(v)}").`,
        });
        return z.NEVER;
      }
      return v.replace(/\/$/, "");
    });

const positiveInt = (name: string, fallback: number, max: number) =>
  z
    .string()
    .optional()
    .transform((v, ctx) => {
      if (v === undefined || v === "") return fallback;
      const n = Number(v);
      if (!Number.isInteger(n) || n < 0 || n > max) {
        ctx.addIssue({ code: "custom", message: `${name} must be a whole number from 0 to ${max} (got "${v}").` });
        return z.NEVER;
      }
      return n;
    });

/** A port that may be 0, which turns the listener off. */
const portOrOff = (name: string, fallback: number) =>
  z
    .string()
    .optional()
    .transform((v, ctx) => {
      if (v === undefined || v === "") return fallback;
      const n = Number(v);
      if (!Number.isInteger(n) || n < 0 || n > 65535) {
        ctx.addIssue({ code: "custom", message: `${name} must be a port number from 1 to 65535, or 0 to turn it off (got "${v}").` });
        return z.NEVER;
      }
      return n;
    });

const flag = (name: string) =>
  z
    .string()
    .optional()
    .transform((v, ctx) => {
      if (v === undefined || v === "") return false;
      if (/^(1|true|yes|on)$/i.test(v)) return true;
      if (/^(0|false|no|off)$/i.test(v)) return false;
      ctx.addIssue({ code: "custom", message: `${name} must be true or false (got "${v}").` });
      return z.NEVER;
    });

/** GATEWAY_MAX_CONNECTIONS: the most client connections a gateway host serves at once, all workers together. */
export const DEFAULT_GATEWAY_MAX_CONNECTIONS = 1000;
const MAX_GATEWAY_MAX_CONNECTIONS = 1_000_000;
const gatewayMaxConnections = z
  .string()
  .optional()
  .transform((v, ctx) => {
    if (v === undefined || v === "") return DEFAULT_GATEWAY_MAX_CONNECTIONS;
    const n = Number(v);
    if (!Number.isInteger(n) || n < 1 || n > MAX_GATEWAY_MAX_CONNECTIONS) {
      ctx.addIssue({
        code: "custom",
        message: `GATEWAY_MAX_CONNECTIONS must be a whole number of client connections from 1 to ${MAX_GATEWAY_MAX_CONNECTIONS} (got "${v}").`,
      });
      return z.NEVER;
    }
    return n;
  });

const MAX_GATEWAY_WORKERS = 64;
/** How many gateway worker processes one host runs (node:cluster; they share the listening port). */
const gatewayWorkers = z
  .string()
  .optional()
  .transform((v, ctx) => {
    if (v === undefined || v === "") return 1;
    const n = Number(v);
    if (!Number.isInteger(n) || n < 1 || n > MAX_GATEWAY_WORKERS) {
      ctx.addIssue({ code: "custom", message: `GATEWAY_WORKERS must be a whole number of worker processes from 1 to ${MAX_GATEWAY_WORKERS} (got "${v}").` });
      return z.NEVER;
    }
    return n;
  });

/** A variable Warden no longer reads: set, it stops the start rather than being silently ignored. */
const retired = (name: string, policyField: string) =>
  z
    .string()
    .optional()
    .transform((v, ctx) => {
      if (v === undefined || v === "") return undefined;
      ctx.addIssue({ code: "custom", message: `${name} is no longer read: each connection's policy sets it (${policyField}, in the policy editor's settings); unset it.` });
      return z.NEVER;
    });

const optionalText = z
  .string()
  .optional()
  .transform((v) => (v === undefined || v === "" ? undefined : v));

/** A 32-byte key, given as 64 hex characters or as base64. */
export function decodeSecretKey(value: string): Buffer | undefined {
  const trimmed = value.trim();
  if (/^[0-9a-fA-F]{64}$/.test(trimmed)) return Buffer.from(trimmed, "hex");
  if (/^[A-Za-z0-9+/_-]{43}=?$/.test(trimmed)) {
    const buf = Buffer.from(trimmed.replace(/-/g, "+").replace(/_/g, "/"), "base64");
    if (buf.length === 32) return buf;
  }
  return undefined;
}

export const ROLES = ["admin", "reviewer", "auditor", "developer"] as const;
export type Role = (typeof ROLES)[number];

/** "admin=admin,ops;reviewer=reviewer" -> { admin: ["admin","ops"], reviewer: ["reviewer"] } */
function parseRoleGroups(v: string | undefined, ctx: z.RefinementCtx): Record<Role, string[]> {
  const mapping: Record<Role, string[]> = { admin: ["admin"], reviewer: ["reviewer"], auditor: ["auditor"], developer: ["developer"] };
  if (v === undefined || v.trim() === "") return mapping;
  for (const part of v.split(";").map((p) => p.trim()).filter(Boolean)) {
    const [role, groups] = part.split("=");
    if (!ROLES.includes(role?.trim() as Role) || !groups) {
      ctx.addIssue({
        code: "custom",
        message: `WARDEN_ROLE_GROUPS must look like "admin=platform-admins;reviewer=dba,leads" with roles ${ROLES.join(", ")} (got "${v}").`,
      });
      return mapping;
    }
    mapping[role.trim() as Role] = groups.split(",").map((g) => g.trim()).filter(Boolean);
  }
  return mapping;
}

export const configSchema = z
  .object({
    DATABASE_URL: optionalUrl("DATABASE_URL", ["postgres:", "postgresql:"]),
    WARDEN_SECRET_KEY: z
      .string()
      .optional()
      .transform((v, ctx) => {
        if (v === undefined || v === "") return undefined;
        const key = decodeSecretKey(v);
        if (!key) {
          ctx.addIssue({
            code: "custom",
            message: "WARDEN_SECRET_KEY must be 32 random bytes as 64 hex characters or base64 (generate one with `openssl rand -hex 32`).",
          });
          return z.NEVER;
        }
        return key;
      }),
    OIDC_ISSUER: optionalUrl("OIDC_ISSUER", ["http:", "https:"]),
    OIDC_CLIENT_ID: optionalText,
    OIDC_CLIENT_SECRET: optionalText,
    OIDC_GROUPS_CLAIM: z.string().default("groups"),
    WARDEN_ROLE_GROUPS: z.string().optional().transform((v, ctx) => parseRoleGroups(v, ctx)),
    PUBLIC_URL: optionalUrl("PUBLIC_URL", ["http:", "https:"]),
    PORT: port("PORT", 3000),
    GATEWAY_PORT: port("GATEWAY_PORT", 6432),
    GATEWAY_HOST: z.string().default("127.0.0.1"),
    GATEWAY_TLS_CERT: optionalText,
    GATEWAY_TLS_KEY: optionalText,
    /** What the console's /api/mcp trusts for the gateway's TLS, without holding the gateway's key. */
    GATEWAY_TLS_CA: optionalText,
    GATEWAY_RECORDING_MODE: z
      .enum(["strict", "async"], {
        error: (issue) => `GATEWAY_RECORDING_MODE must be strict or async (got "${String(issue.input)}").`,
      })
      .default("strict"),
    /** Whether clients may send their password without TLS: never (the default), or only from the gateway's own host. */
    GATEWAY_ALLOW_PLAINTEXT_PASSWORDS: z
      .enum(["never", "loopback"], {
        error: (issue) =>
          `GATEWAY_ALLOW_PLAINTEXT_PASSWORDS must be never or loopback (got "${String(issue.input)}"); clients from other hosts always need TLS.`,
      })
      .default("never"),
    GATEWAY_WORKERS: gatewayWorkers,
    GATEWAY_MAX_CONNECTIONS: gatewayMaxConnections,
    GATEWAY_MAX_MESSAGE_BYTES: positiveInt("GATEWAY_MAX_MESSAGE_BYTES", 64 * 1024 * 1024, 1024 * 1024 * 1024),
    GATEWAY_RESULT_ROWS: retired("GATEWAY_RESULT_ROWS", "recording.resultRowCap"),
    GATEWAY_RESULT_BYTES: retired("GATEWAY_RESULT_BYTES", "recording.resultByteCap"),
    GATEWAY_MAX_PREPARED_STATEMENTS: positiveInt("GATEWAY_MAX_PREPARED_STATEMENTS", 10_000, 1_000_000),
    WARDEN_APPROVAL_WEBHOOK_URL: optionalUrl("WARDEN_APPROVAL_WEBHOOK_URL", ["http:", "https:"]),
    WARDEN_DATA_DIR: z.string().default(".warden"),
    /** The gateway's Prometheus endpoint (/metrics, /healthz, /readyz); 0 turns it off. */
    GATEWAY_METRICS_PORT: portOrOff("GATEWAY_METRICS_PORT", 9432),
    GATEWAY_METRICS_HOST: z
      .string()
      .optional()
      .transform((v, ctx) => {
        if (v === undefined || v === "") return "127.0.0.1";
        if (/\s/.test(v)) {
          ctx.addIssue({ code: "custom", message: `GATEWAY_METRICS_HOST must be a host name or address to listen on, such as 127.0.0.1 or 0.0.0.0 (got "${v}").` });
          return z.NEVER;
        }
        return v;
      }),
    /** Bearer secret for the console's /api/metrics (admins signed in may read it without). */
    WARDEN_METRICS_TOKEN: optionalText.refine((v) => v === undefined || v.length >= 16, {
      error: "WARDEN_METRICS_TOKEN must be at least 16 characters (generate one with `openssl rand -hex 32`), or unset to allow only signed-in admins.",
    }),
    /** Days of statements and audit events kept; older time partitions are dropped. */
    WARDEN_RETENTION_DAYS: positiveInt("WARDEN_RETENTION_DAYS", 90, 36500).refine((n) => n >= 1, "WARDEN_RETENTION_DAYS must be at least 1 (0 would drop today's records; to keep everything for good, set 36500)."),
    /** Event sinks declared by the environment (checked together in environmentSinkProblems below; lib/outbox/environment-sinks.ts makes them sinks). */
    WARDEN_SINK_WEBHOOK_URL: optionalUrl("WARDEN_SINK_WEBHOOK_URL", ["https:", "http:"]),
    WARDEN_SINK_WEBHOOK_SECRET: optionalText,
    WARDEN_SINK_FILE: optionalText,
    WARDEN_SINK_FILE_MAX_BYTES: positiveInt("WARDEN_SINK_FILE_MAX_BYTES", 100 * 1024 * 1024, 1024 * 1024 * 1024 * 1024),
    WARDEN_SINK_FILE_MAX_FILES: positiveInt("WARDEN_SINK_FILE_MAX_FILES", 5, 1000),
    WARDEN_SINK_STDOUT: flag("WARDEN_SINK_STDOUT"),
    WARDEN_SINK_EVENT_TYPES: optionalText,
    LOG_LEVEL: z.enum(["debug", "info", "warn", "error"], {
      error: (issue) => `LOG_LEVEL must be one of debug, info, warn, error (got "${String(issue.input)}").`,
    }).default("info"),
  })
  .superRefine((c, ctx) => {
    const oidc = [c.OIDC_ISSUER, c.OIDC_CLIENT_ID, c.OIDC_CLIENT_SECRET];
    if (oidc.some(Boolean) && !oidc.every(Boolean)) {
      const missing = (["OIDC_ISSUER", "OIDC_CLIENT_ID", "OIDC_CLIENT_SECRET"] as const).filter((k) => !c[k]);
      ctx.addIssue({ code: "custom", message: `${missing.join(" and ")} must be set too: OIDC_ISSUER, OIDC_CLIENT_ID and OIDC_CLIENT_SECRET go together.` });
    }
    if (Boolean(c.GATEWAY_TLS_CERT) !== Boolean(c.GATEWAY_TLS_KEY)) {
      ctx.addIssue({ code: "custom", message: "GATEWAY_TLS_CERT and GATEWAY_TLS_KEY go together: set both paths or neither." });
    }
    if (c.DATABASE_URL && !c.WARDEN_SECRET_KEY) {
      ctx.addIssue({
        code: "custom",
        message: "WARDEN_SECRET_KEY is required when DATABASE_URL is set (generate one with `openssl rand -hex 32`); it encrypts stored database credentials.",
      });
    }
    for (const message of environmentSinkProblems(c)) ctx.addIssue({ code: "custom", message });
  });

/** WARDEN_SINK_*: each problem a sentence naming its variable (lib/outbox/environment-sinks.ts turns them into sinks). */
function environmentSinkProblems(c: { WARDEN_SINK_WEBHOOK_URL?: string; WARDEN_SINK_WEBHOOK_SECRET?: string; WARDEN_SINK_FILE?: string; WARDEN_SINK_EVENT_TYPES?: string }): string[] {
  const problems: string[] = [];
  if (c.WARDEN_SINK_WEBHOOK_URL) {
    const problem = webhookUrlProblem(c.WARDEN_SINK_WEBHOOK_URL);
    if (problem) problems.push(`WARDEN_SINK_WEBHOOK_URL: ${problem}`);
    if (!c.WARDEN_SINK_WEBHOOK_SECRET) problems.push("WARDEN_SINK_WEBHOOK_SECRET is required with WARDEN_SINK_WEBHOOK_URL: the secret that signs each delivery (generate one with `openssl rand -hex 32`).");
  } else if (c.WARDEN_SINK_WEBHOOK_SECRET) {
    problems.push("WARDEN_SINK_WEBHOOK_SECRET is set without WARDEN_SINK_WEBHOOK_URL: set the receiver's URL too, or unset the secret.");
  }
  if (c.WARDEN_SINK_WEBHOOK_SECRET && c.WARDEN_SINK_WEBHOOK_SECRET.length < 16) problems.push("WARDEN_SINK_WEBHOOK_SECRET must be at least 16 characters (generate one with `openssl rand -hex 32`).");
  if (c.WARDEN_SINK_FILE && !c.WARDEN_SINK_FILE.startsWith("/")) problems.push(`WARDEN_SINK_FILE must be an absolute path, such as /var/log/warden/events.jsonl (got "${c.WARDEN_SINK_FILE}").`);
  for (const t of splitEventTypes(c.WARDEN_SINK_EVENT_TYPES)) {
    if (!EVENT_TYPE_PATTERN.test(t)) problems.push(`WARDEN_SINK_EVENT_TYPES: "${t}" is not an event type; use actions such as gateway.statement, prefixes such as approval.*, or *, separated by commas.`);
  }
  return problems;
}

/** WARDEN_SINK_EVENT_TYPES as a list: comma-separated, spaces and empty items ignored. */
export function splitEventTypes(value: string | undefined): string[] {
  return [...new Set((value ?? "").split(",").map((t) => t.trim()).filter(Boolean))];
}

export type WardenConfig = z.output<typeof configSchema>;

export class ConfigError extends Error {
  constructor(public readonly problems: string[]) {
    super(`Warden cannot start: ${problems.join(" ")}`);
    this.name = "ConfigError";
  }
}

/** Parses the environment; throws a ConfigError whose message names each bad variable. */
export function parseConfig(env: Record<string, string | undefined>): WardenConfig {
  const result = configSchema.safeParse(env);
  if (result.success) return result.data;
  throw new ConfigError(result.error.issues.map((i) => i.message));
}

/** The settings a running console or gateway needs, all present (the launcher fills them on the embedded default). */
export type RuntimeConfig = WardenConfig & {
  DATABASE_URL: string;
  WARDEN_SECRET_KEY: Buffer;
  OIDC_ISSUER: string;
  OIDC_CLIENT_ID: string;
  OIDC_CLIENT_SECRET: string;
  PUBLIC_URL: string;
};

export function requireRuntimeConfig(c: WardenConfig, needs: ("database" | "oidc")[] = ["database", "oidc"]): RuntimeConfig {
  const problems: string[] = [];
  if (needs.includes("database") && !c.DATABASE_URL) problems.push("DATABASE_URL is required (use `npm start` for the embedded default).");
  if (needs.includes("oidc") && !c.OIDC_ISSUER) problems.push("OIDC_ISSUER, OIDC_CLIENT_ID and OIDC_CLIENT_SECRET are required (use `npm start` for the embedded default).");
  if (problems.length) throw new ConfigError(problems);
  return { ...c, PUBLIC_URL: c.PUBLIC_URL ?? `http://localhost:${c.PORT}` } as RuntimeConfig;
}

function redact(v: string): string {
  return v.replace(/\/\/([^:/@]+):[^@]*@/, "//$1:***@");
}
