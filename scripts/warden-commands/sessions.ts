import { ACTOR_KINDS, type ActorKind } from "@/drizzle/schema";
import { ServiceError } from "@/lib/server/connections/service-error";
import { exportSession } from "@/lib/server/sessions/export-session";
import { listSessions } from "@/lib/server/sessions/list-sessions";
import { parseFlags, UsageError, type Command } from "./command";
import { openStore } from "./store-access";

const USAGE = "sessions list [--user EMAIL] [--connection NAME] [--kind human|agent|service] [--errors] [--since ISO] [--limit N] [--json]\n       warden sessions export ID|--last";

/** `warden sessions list|export`: recorded gateway sessions, for auditors who script. */
export const sessionsCommand: Command = {
  name: "sessions",
  usage: "sessions list [--json] | sessions export ID|--last",
  summary: "list recorded gateway sessions, or export one with its statements as JSON",
  async run(args) {
    const [sub, ...rest] = args;
    if (sub === "list") return list(rest);
    if (sub === "export") return exportOne(rest);
    throw new UsageError(`Usage: warden ${USAGE}`);
  },
};

async function list(args: string[]) {
  const { values } = parseFlags(
    args,
    {
      user: { type: "string" },
      connection: { type: "string" },
      kind: { type: "string" },
      errors: { type: "boolean" },
      since: { type: "string" },
      limit: { type: "string", default: "50" },
      json: { type: "boolean" },
    },
    USAGE,
  );
  if (values.kind && !ACTOR_KINDS.includes(values.kind as ActorKind)) throw new UsageError(`--kind is one of ${ACTOR_KINDS.join(", ")}.`);
  const limit = Number(values.limit);
  if (!Number.isInteger(limit) || limit < 1 || limit > 500) throw new UsageError("--limit is a whole number from 1 to 500.");
  const since = values.since ? new Date(values.since) : undefined;
  if (since && Number.isNaN(since.getTime())) throw new UsageError(`--since takes a date or timestamp (got "${values.since}").`);
  const store = openStore();
  try {
    const { sessions } = await listSessions(store.db, {
      userName: values.user,
      connectionName: values.connection,
      actorKind: values.kind as ActorKind | undefined,
      hasErrors: values.errors ? true : undefined,
      from: since,
      limit,
    });
    if (values.json) return console.log(JSON.stringify(sessions, null, 2));
    if (sessions.length === 0) return console.log("No sessions.");
    for (const s of sessions) {
      console.log(
        [s.id, s.startedAt, s.endedAt ? (s.endReason ?? "ended") : "open", s.userName, s.actorKind + (s.agentName ? `:${s.agentName}` : ""), s.connectionName, `${s.statementCount} statements`, `${s.errorCount} errors`].join("  "),
      );
    }
  } finally {
    await store.close();
  }
}

async function exportOne(args: string[]) {
  const { values, positionals } = parseFlags(args, { last: { type: "boolean" } }, USAGE);
  const id = values.last ? "last" : positionals[0];
  if (!id) throw new UsageError(`Usage: warden ${USAGE}`);
  const store = openStore();
  try {
    const data = await exportSession(store.db, id).catch((err) => {
      if (err instanceof ServiceError) throw new UsageError(err.message);
      throw err;
    });
    console.log(JSON.stringify(data, null, 2));
  } finally {
    await store.close();
  }
}
