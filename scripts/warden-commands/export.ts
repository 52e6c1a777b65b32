import { asc, gt } from "drizzle-orm";
import { auditEvents } from "@/drizzle/schema";
import { parseFlags, UsageError, usageLines, type Command } from "./command";
import { withStore } from "./store-access";

const USAGE = "export [--after SEQ] [--limit N]";

/**
 * `warden export`: the audit trail as JSON lines on stdout (one event per line, in order, with its
 * sequence number and hashes), for a SIEM or an archive; `--after` resumes from the last seq shipped.
 * Gateway events still waiting to be chained (a fraction of a second) are not in the trail yet: they
 * come out, numbered, on the next resume.
 */
export const exportCommand: Command = {
  name: "export",
  usage: USAGE,
  summary: "print audit events as JSON lines (resume with --after SEQ)",
  help: () => `${usageLines(USAGE)}

Prints the audit trail as JSON lines on stdout, one event per line in order, each with its sequence
number and hashes: for a SIEM or an archive. Events the gateway recorded a moment ago may still wait
for the chainer; they come out, numbered, on the next run.

Options:
  --after SEQ   only events after this sequence number (the last one you shipped), to resume
  --limit N     at most N events
`,
  async run(args) {
    const { values } = parseFlags(args, { after: { type: "string", default: "0" }, limit: { type: "string" } }, USAGE);
    const after = Number(values.after);
    const limit = values.limit === undefined ? Infinity : Number(values.limit);
    if (!Number.isInteger(after) || after < 0) throw new UsageError(`--after is a sequence number, 0 or more (got "${values.after}").`);
    if (limit !== Infinity && (!Number.isInteger(limit) || limit < 1)) throw new UsageError(`--limit is a whole number above 0 (got "${values.limit}").`);
    await withStore(async (store) => {
      let cursor = after;
      let written = 0;
      while (written < limit) {
        const page = await store.db
          .select()
          .from(auditEvents)
          .where(gt(auditEvents.seq, cursor))
          .orderBy(asc(auditEvents.seq))
          .limit(Math.min(1000, limit - written));
        if (page.length === 0) break;
        for (const e of page) process.stdout.write(`${JSON.stringify({ ...e, occurredAt: e.occurredAt.toISOString() })}\n`);
        written += page.length;
        cursor = page[page.length - 1].seq;
      }
    });
  },
};
