import { describeRetention } from "@/lib/retention/describe-retention";
import { runRetention } from "@/lib/retention/run-retention";
import { parseConfig } from "@/lib/shared/config";
import { parseFlags, usageLines, type Command } from "./command";
import { withStore } from "./store-access";

const USAGE = "retention [--dry-run] [--json]";

/** `warden retention`: one retention pass now (the console runs one at start and every hour). */
export const retentionCommand: Command = {
  name: "retention",
  usage: USAGE,
  summary: "drop statements and audit events older than WARDEN_RETENTION_DAYS now (the console does it hourly)",
  help: () => `${usageLines(USAGE)}

Runs one retention pass, as the console does at start and every hour: creates the daily partitions
of today and the next 7 days, drops the partitions of statements and audit events that lie wholly
before now minus WARDEN_RETENTION_DAYS (default 90), writes a signed checkpoint so \`warden verify\`
still checks the rest of the audit trail, deletes ended sessions with no statements left, and
records a retention.drop audit event. Audit events an enabled event sink has not delivered yet are
held back (and listed). Only one pass runs at a time per store.

Options:
  --dry-run   do it all in a transaction that is rolled back, and print what would happen
  --json      the result as JSON
`,
  async run(args) {
    const { values } = parseFlags(args, { "dry-run": { type: "boolean" }, json: { type: "boolean" } }, USAGE);
    const config = parseConfig(process.env);
    await withStore(async (store) => {
      const result = await runRetention(store.db, { secretKey: store.secretKey, retentionDays: config.WARDEN_RETENTION_DAYS, isDryRun: values["dry-run"] ?? false });
      if (values.json) console.log(JSON.stringify(result, null, 2));
      else for (const line of describeRetention(result)) console.log(line);
      if (result.isBusy) process.exitCode = 1;
    });
  },
};
