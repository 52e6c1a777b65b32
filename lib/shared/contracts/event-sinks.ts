import { z } from "zod";

export const EVENT_SINK_KINDS = ["webhook", "file", "stdout"] as const;
export type EventSinkKind = (typeof EVENT_SINK_KINDS)[number];
export const EVENT_SINK_STATES = ["active", "retrying", "dead"] as const;
export type EventSinkState = (typeof EVENT_SINK_STATES)[number];

export const EVENT_SINK_NAME_PATTERN = /^[a-z][a-z0-9_-]{0,62}$/;
export const RESERVED_SINK_NAME_PREFIX = "env-";
/** An audit action (`gateway.statement`), a prefix of them (`approval.*`), or `*` for all. */
export const EVENT_TYPE_PATTERN = /^(\*|[a-z_]+(\.[a-z_]+)*(\.\*)?)$/;

/** The loopback hosts a webhook may reach over plain http (a receiver on the same machine, tests). */
const LOOPBACK_HOSTS = new Set(["localhost", "127.0.0.1", "[::1]"]);

/** A webhook URL: https, or http only to this machine (nothing else leaves in the clear). */
export function webhookUrlProblem(value: string): string | null {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return "Enter the receiver's full URL, starting with https://.";
  }
  if (url.username || url.password) return "Put no credentials in the URL: the signing secret authenticates Warden to the receiver.";
  if (url.protocol === "https:") return null;
  if (url.protocol === "http:" && LOOPBACK_HOSTS.has(url.hostname)) return null;
  return "Use https:// (plain http only to localhost).";
}

export const eventTypeList = z
  .array(z.string().trim().regex(EVENT_TYPE_PATTERN, "Use an event type such as gateway.statement, a prefix such as approval.*, or *."))
  .max(50)
  .transform((ts) => [...new Set(ts)]);

const sinkFields = {
  name: z
    .string()
    .trim()
    .regex(EVENT_SINK_NAME_PATTERN, "Use 1–63 lowercase letters, digits, '-' or '_', starting with a letter.")
    // env-webhook, env-file and env-stdout are the sinks WARDEN_SINK_* declare (lib/outbox/environment-sinks.ts).
    .refine((n) => !n.startsWith(RESERVED_SINK_NAME_PREFIX), `Names starting with "${RESERVED_SINK_NAME_PREFIX}" are kept for the sinks set by WARDEN_SINK_* variables.`),
  isEnabled: z.boolean().default(true),
  eventTypes: eventTypeList.default([]),
  maxAttempts: z.coerce.number().int("Enter a whole number.").min(1, "At least 1 attempt.").max(1000, "At most 1,000 attempts.").default(10),
};

const webhookFields = {
  kind: z.literal("webhook"),
  url: z.string().trim().max(2000).superRefine((v, ctx) => {
    const problem = webhookUrlProblem(v);
    if (problem) ctx.addIssue({ code: "custom", message: problem });
  }),
};
const fileFields = {
  kind: z.literal("file"),
  filePath: z.string().trim().min(1, "Enter the file's absolute path.").max(1000).regex(/^\//, "Enter an absolute path (starting with /)."),
  maxFileBytes: z.coerce.number().int().min(1024, "Rotate at 1 KiB or more.").max(1024 ** 4).default(100 * 1024 * 1024),
  maxFiles: z.coerce.number().int().min(1, "Keep at least 1 rotated file.").max(1000).default(5),
};
const stdoutFields = { kind: z.literal("stdout") };

/** Where new sinks start: at the oldest event kept (backfill everything), or after the newest (only what happens from now). */
export const SINK_START_POINTS = ["oldest", "now"] as const;

const secret = z.string().min(16, "Use a signing secret of at least 16 characters.").max(1000);

export const createEventSinkInput = z.discriminatedUnion("kind", [
  z.object({ ...sinkFields, ...webhookFields, secret, startAt: z.enum(SINK_START_POINTS).default("oldest") }),
  z.object({ ...sinkFields, ...fileFields, startAt: z.enum(SINK_START_POINTS).default("oldest") }),
  z.object({ ...sinkFields, ...stdoutFields, startAt: z.enum(SINK_START_POINTS).default("oldest") }),
]);
export type CreateEventSinkInput = z.input<typeof createEventSinkInput>;

/** On update the secret is optional: absent keeps the stored one. The kind cannot change. */
export const updateEventSinkInput = z.discriminatedUnion("kind", [
  z.object({ ...sinkFields, ...webhookFields, secret: secret.optional() }),
  z.object({ ...sinkFields, ...fileFields }),
  z.object({ ...sinkFields, ...stdoutFields }),
]);
export type UpdateEventSinkInput = z.input<typeof updateEventSinkInput>;

/** What the console shows of a sink: never its secret, only whether it has one. */
export type EventSinkDto = {
  id: string;
  name: string;
  kind: EventSinkKind;
  source: "console" | "environment";
  isEnabled: boolean;
  url: string | null;
  hasSecret: boolean;
  filePath: string | null;
  maxFileBytes: number | null;
  maxFiles: number | null;
  eventTypes: string[];
  maxAttempts: number;
  state: EventSinkState;
  deliveredSeq: number;
  /** Events in the trail after `deliveredSeq` (the newest seq minus it). */
  lag: number;
  failedAttempts: number;
  nextAttemptAt: string | null;
  lastAttemptAt: string | null;
  lastDeliveredAt: string | null;
  lastError: string | null;
  createdBy: string;
  createdAt: string;
  updatedAt: string;
};

/** The answer to "Send a test event". */
export type SinkTestResult = { isDelivered: boolean; durationMs: number; status?: number; error?: string };

/**
 * "Send a test event": a saved sink's settings as they stand in the form (`id` set: an empty secret
 * uses the stored one) or an unsaved draft (the secret comes from the form). The name is only for
 * the audit record, so a draft can be tested before it has one.
 */
const testTarget = { id: z.string().uuid().optional(), name: z.string().trim().max(63).optional() };
export const testEventSinkInput = z.discriminatedUnion("kind", [
  z.object({ ...testTarget, ...webhookFields, secret: secret.optional() }),
  z.object({ ...testTarget, ...fileFields }),
  z.object({ ...testTarget, ...stdoutFields }),
]);
export type TestEventSinkInput = z.input<typeof testEventSinkInput>;

export const setEventSinkEnabledInput = z.object({ isEnabled: z.boolean() });
