import { describeVerifiedRange } from "@/lib/audit/describe-verified-range";
import { verifyAuditChain } from "@/lib/audit/verify-chain";
import { parseFlags, usageLines, type Command } from "./command";
import { withStore } from "./store-access";

const USAGE = "verify [--json]";

/** `warden verify`: checks that the audit trail has not been altered (exit 1 if it has). */
export const verifyCommand: Command = {
  name: "verify",
  usage: USAGE,
  summary: "check the audit trail's sequence numbers and hash chain; exits 1 if anything was altered",
  help: () => `${usageLines(USAGE)}

Checks that the audit trail is whole: sequence numbers without gaps, and every event's hash linking
to the one before. Prints what it checked; exits 0 when intact, 1 when anything was altered (each
problem is listed), and which range it checked. After retention dropped old events, the check starts
at the oldest kept event, vouched for by the newest signed checkpoint (its signature is checked with
WARDEN_SECRET_KEY). Gateway events recorded in the last moment may still wait for the chainer; they
are counted, not checked.

Options:
  --json   the report as JSON
`,
  async run(args) {
    const { values } = parseFlags(args, { json: { type: "boolean" } }, USAGE);
    await withStore(async (store) => {
      const report = await verifyAuditChain(store.db, { secretKey: store.secretKey });
      if (values.json) console.log(JSON.stringify(report, null, 2));
      else if (report.isIntact) console.log(`Audit trail intact: ${report.checked} events, last #${report.lastSeq}, head hash ${report.lastHash}.\nChecked ${describeVerifiedRange(report.range)}.`);
      else {
        console.log(`Audit trail NOT intact (${report.checked} events checked: ${describeVerifiedRange(report.range)}):`);
        for (const p of report.problems) console.log(`  #${p.seq}: ${p.problem.replace("_", " ")}: ${p.detail}`);
      }
      // The gateway's latest events reach the chain a moment after they are recorded (a running gateway chains them).
      if (!values.json && report.waiting > 0) console.log(`${report.waiting} gateway event${report.waiting === 1 ? "" : "s"} waiting to be chained (not checked yet).`);
      if (!report.isIntact) process.exitCode = 1;
    });
  },
};
