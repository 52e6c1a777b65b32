import { ACTOR_KINDS, type ActorKind } from "@/drizzle/schema";
import { ServiceError } from "@/lib/server/connections/service-error";
import { exportSession } from "@/lib/server/sessions/export-session";
import { listSessions } from "@/lib/server/sessions/list-sessions";
import { parseFlags, UsageError, usageLines, type Command } from "./command";
import { withStore } from "./store-access";

const LIST_USAGE = "sessions list [--user EMAIL] [--connection NAME] [--kind human|agent|service] [--errors] [--since ISO] [--limit N] [--json]";
const EXPORT_USAGE = "sessions export ID|--last";
const USAGE = `${LIST_USAGE}\n       warden ${EXPORT_USAGE}`;

const LIST_HELP = `${usageLines(LIST_USAGE)}

Lists recorded gateway sessions, newest first: id, start, how it ended, who, actor kind, connection,
statement and error counts.

Options:
  --user EMAIL        only this person's or service account's sessions
  --connection NAME   only sessions on this connection
  --kind KIND         human, agent or service
  --errors            only sessions with at least one failed statement
  --since ISO         only sessions started at or after this date or timestamp (2025-01-31, 2025-01-31T09:00Z)
  --limit N           at most N sessions, 1 to 500 (default 50)
  --json              as JSON
`;

const EXPORT_HELP = `${usageLines(EXPORT_USAGE)}

Prints one session (by its id from \`warden sessions list\`, or the newest with --last) with every
statement, its parameters, outcome and recorded result rows, as JSON.
`;

/** `warden sessions list|export`: recorded gateway sessions, for auditors who script. */
export const sessionsCommand: Command = {
  name: "sessions",
  usage: "sessions list [--json] | sessions export ID|--last",
  summary: "list recorded gateway sessions, or export one with its statements as JSON",
  help(sub) {
    if (sub === "list") return LIST_HELP;
    if (sub === "export") return EXPORT_HELP;
    return `${usageLines(USAGE)}\n\nRecorded gateway sessions. More: warden sessions list --help, warden sessions export --help.\n`;
  },
  async run(args) {
    const [sub, ...rest] = args;
    if (sub === "list") return list(rest);
    if (sub === "export") return exportOne(rest);
    throw new UsageError(`${sub ? `Unknown subcommand "sessions ${sub}".\n` : ""}${usageLines(USAGE)}`);
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
    LIST_USAGE,
  );
  if (values.kind && !ACTOR_KINDS.includes(values.kind as ActorKind)) throw new UsageError(`--kind is one of ${ACTOR_KINDS.join(", ")} (got "${values.kind}").`);
  const limit = Number(values.limit);
  if (!Number.isInteger(limit) || limit < 1 || limit > 500) throw new UsageError(`--limit is a whole number from 1 to 500 (got "${values.limit}").`);
  const since = values.since ? new Date(values.since) : undefined;
  if (since && Number.isNaN(since.getTime())) throw new UsageError(`--since takes a date or timestamp such as 2025-01-31 or 2025-01-31T09:00Z (got "${values.since}").`);
  await withStore(async (store) => {
    const { sessions } = await listSessions(store.db, {
      userName: values.user?.trim() || undefined,
      connectionName: values.connection?.trim() || undefined,
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
  });
}

async function exportOne(args: string[]) {
  const { values, positionals } = parseFlags(args, { last: { type: "boolean" } }, EXPORT_USAGE, 1);
  if (values.last && positionals.length) throw new UsageError(`Give a session id or --last, not both.\n${usageLines(EXPORT_USAGE)}`);
  const id = values.last ? "last" : positionals[0];
  if (!id) throw new UsageError(`Give a session id (from \`warden sessions list\`) or --last.\n${usageLines(EXPORT_USAGE)}`);
  await withStore(async (store) => {
    const data = await exportSession(store.db, id).catch((err) => {
      if (err instanceof ServiceError) throw new UsageError(err.message);
      throw err;
    });
    console.log(JSON.stringify(data, null, 2));
  });
}
