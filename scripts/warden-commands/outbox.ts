import { asc, eq, max } from "drizzle-orm";
import { auditEvents, eventSinks } from "@/drizzle/schema";
import { appendAuditEvent } from "@/lib/audit/append-event";
import { OutboxRunner } from "@/lib/outbox/outbox-runner";
import { retrySink } from "@/lib/outbox/reset-sink";
import { CliFailure, parseFlags, UsageError, usageLines, type Command } from "./command";
import { cliActor, withStore } from "./store-access";

const USAGE = "outbox run [--poll-ms N]\nwarden outbox status [--json]\nwarden outbox retry NAME";

const HELP: Record<string, string> = {
  run: `${usageLines("outbox run [--poll-ms N]")}

Delivers audit events to every enabled event sink, in the foreground, until Ctrl-C (SIGINT) or
SIGTERM. The console does the same in the background; any number of deliverers may run, since each
sink has one deliverer at a time (an advisory lock in the store), and a deliverer that dies leaves
the sink to the next at the event after the last one its sink confirmed. Messages go to stderr, so
a stdout sink's JSON lines are all that stdout carries.

Options:
  --poll-ms N   how often to look for new events and due retries, in milliseconds (default 1000)
`,
  status: `${usageLines("outbox status [--json]")}

Lists the event sinks: kind, state (active, retrying, dead, off), the last event each delivered, how
many events it is behind, failed attempts in a row, the next attempt and the last error.

Options:
  --json   the sinks as JSON
`,
  retry: `${usageLines("outbox retry NAME")}

Sends a dead or retrying sink back to delivery now, from the event after the last one it delivered
(nothing is skipped). Audited as event_sink.retry by this terminal's user.
`,
};

/** `warden outbox`: the durable outbox's deliverer, its state, and Retry for a dead sink. */
export const outboxCommand: Command = {
  name: "outbox",
  usage: USAGE,
  summary: "deliver audit events to the event sinks (webhook, file, stdout), show their state, retry a dead one",
  help: (sub) =>
    (sub && HELP[sub]) ??
    `${usageLines(USAGE)}

The durable outbox: every audit event goes to each event sink at least once, in sequence order.

Subcommands:
  run      deliver in the foreground until Ctrl-C
  status   each sink's state, cursor and lag
  retry    send a dead sink back to delivery

\`warden outbox <subcommand> --help\` says more.
`,
  async run(args) {
    const [sub, ...rest] = args;
    switch (sub) {
      case "run":
        return runOutbox(rest);
      case "status":
        return showStatus(rest);
      case "retry":
        return retryByName(rest);
      default:
        throw new UsageError(`${sub ? `Unknown subcommand "${sub}".` : "Say what to do: run, status or retry."}\n${usageLines(USAGE)}`);
    }
  },
};

async function runOutbox(args: string[]) {
  const { values } = parseFlags(args, { "poll-ms": { type: "string" } }, "outbox run [--poll-ms N]");
  const pollMs = values["poll-ms"] === undefined ? 1000 : Number(values["poll-ms"]);
  if (!Number.isInteger(pollMs) || pollMs < 10 || pollMs > 60_000) throw new UsageError("--poll-ms must be a whole number of milliseconds from 10 to 60000.");
  await withStore(async (store) => {
    // Fail here, with withStore's sentence, when the store is down or not migrated.
    const sinks = await store.db.select({ name: eventSinks.name }).from(eventSinks);
    const runner = new OutboxRunner(store.db, { secretKey: store.secretKey, pollMs });
    console.error(`Delivering to ${sinks.length} event sink${sinks.length === 1 ? "" : "s"} from ${store.location.description}; Ctrl-C stops.`);
    runner.start();
    await new Promise<void>((resolve) => {
      process.once("SIGINT", resolve);
      process.once("SIGTERM", resolve);
    });
    await runner.stop();
    console.error("Stopped; undelivered events wait in the store for the next deliverer.");
  });
}

async function showStatus(args: string[]) {
  const { values } = parseFlags(args, { json: { type: "boolean" } }, "outbox status [--json]");
  await withStore(async (store) => {
    const [head] = await store.db.select({ seq: max(auditEvents.seq) }).from(auditEvents);
    const newest = Number(head?.seq ?? 0);
    const rows = await store.db.select().from(eventSinks).orderBy(asc(eventSinks.name));
    const sinks = rows.map((s) => ({
      name: s.name,
      kind: s.kind,
      source: s.source,
      isEnabled: s.isEnabled,
      state: s.state,
      deliveredSeq: s.deliveredSeq,
      lag: Math.max(0, newest - s.deliveredSeq),
      failedAttempts: s.failedAttempts,
      maxAttempts: s.maxAttempts,
      nextAttemptAt: s.nextAttemptAt?.toISOString() ?? null,
      lastDeliveredAt: s.lastDeliveredAt?.toISOString() ?? null,
      lastError: s.lastError,
    }));
    if (values.json) return console.log(JSON.stringify({ newestSeq: newest, sinks }, null, 2));
    if (sinks.length === 0) return console.log("No event sinks. Add one in the console (Sinks) or with WARDEN_SINK_* variables.");
    console.log(`Newest event: #${newest}.`);
    for (const s of sinks) {
      const state = s.isEnabled ? s.state : "off";
      const failures = s.failedAttempts > 0 ? `, ${s.failedAttempts}/${s.maxAttempts} failed attempts${s.nextAttemptAt ? `, next at ${s.nextAttemptAt}` : ""}` : "";
      console.log(`${s.name} (${s.kind}, ${s.source}): ${state}, delivered up to #${s.deliveredSeq}, ${s.lag} behind${failures}`);
      if (s.lastError) console.log(`  last error: ${s.lastError}`);
    }
  });
}

async function retryByName(args: string[]) {
  const { positionals } = parseFlags(args, {}, "outbox retry NAME", 1);
  const name = positionals[0];
  if (!name) throw new UsageError(`Name the sink to retry.\n${usageLines("outbox retry NAME")}`);
  await withStore(async (store) => {
    const resumesAt = await store.db.transaction(async (tx) => {
      const [before] = await tx.select().from(eventSinks).where(eq(eventSinks.name, name)).for("update");
      if (!before) throw new CliFailure(`There is no event sink named "${name}" (\`warden outbox status\` lists them).`);
      if (before.state === "active") throw new CliFailure(`"${name}" is delivering: there is nothing to retry.`);
      await retrySink(tx, before.id);
      await appendAuditEvent(tx, {
        actor: cliActor(),
        action: "event_sink.retry",
        targetType: "event_sink",
        targetId: before.id,
        targetName: before.name,
        before: { state: before.state, failedAttempts: before.failedAttempts },
        after: { state: "active", failedAttempts: 0 },
        details: { resumesAtSeq: before.deliveredSeq + 1, lastError: before.lastError },
      });
      return before.deliveredSeq + 1;
    });
    console.log(`"${name}" is back to delivery, from event #${resumesAt}.`);
  });
}
