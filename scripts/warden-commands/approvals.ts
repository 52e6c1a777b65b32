import { decideApproval } from "@/lib/server/approvals/decide-approval";
import { findReviewer } from "@/lib/server/approvals/find-reviewer";
import { getApprovalRequest } from "@/lib/server/approvals/get-approval-request";
import { listApprovalRequests } from "@/lib/server/approvals/list-approval-requests";
import { listGrants } from "@/lib/server/approvals/list-grants";
import { revokeGrant } from "@/lib/server/approvals/revoke-grant";
import type { ApprovalNotifyOptions } from "@/lib/server/approvals/send-approval-webhook";
import { ServiceError } from "@/lib/server/connections/service-error";
import { parseConfig, type WardenConfig } from "@/lib/shared/config";
import type { ApprovalRequestDto } from "@/lib/shared/contracts/approvals";
import { parseFlags, UsageError, type Command } from "./command";
import { openStore } from "./store-access";

const USAGE = [
  "approvals list [--all] [--json]",
  "       warden approvals show ID [--json]",
  "       warden approvals decide ID --approve|--reject --by EMAIL [--comment TEXT] [--grant-minutes N]",
  "       warden approvals grants [--all] [--json]",
  "       warden approvals revoke-grant ID --by EMAIL",
].join("\n");

/**
 * `warden approvals ...`: the inbox for on-call reviewers in a terminal. The same services and
 * rules as the console: the reviewer (--by) must have signed in to the console once, so their
 * groups are known; nobody decides their own statement.
 */
export const approvalsCommand: Command = {
  name: "approvals",
  usage: "approvals list | show ID | decide ID --approve|--reject --by EMAIL",
  summary: "review held statements from a terminal; also approvals grants, approvals revoke-grant ID",
  async run(args) {
    const [sub, ...rest] = args;
    if (sub === "list") return list(rest);
    if (sub === "show") return show(rest);
    if (sub === "decide") return decide(rest);
    if (sub === "grants") return grants(rest);
    if (sub === "revoke-grant") return revoke(rest);
    throw new UsageError(`Usage: warden ${USAGE}`);
  },
};

async function list(args: string[]) {
  const { values } = parseFlags(args, { all: { type: "boolean" }, json: { type: "boolean" } }, USAGE);
  await withStore(async (db) => {
    const { items } = await listApprovalRequests(db, { status: values.all ? "all" : "pending", limit: 200 });
    if (values.json) return console.log(JSON.stringify(items, null, 2));
    if (items.length === 0) return console.log(values.all ? "No approval requests." : "No statements are waiting for approval.");
    for (const r of items) console.log(summaryLine(r));
  });
}

async function show(args: string[]) {
  const { values, positionals } = parseFlags(args, { json: { type: "boolean" } }, USAGE);
  const [id] = positionals;
  if (!id) throw new UsageError(`Usage: warden ${USAGE}`);
  await withStore(async (db) => {
    const r = await getApprovalRequest(db, id).catch(explain);
    if (values.json) return console.log(JSON.stringify(r, null, 2));
    console.log(describe(r));
  });
}

async function decide(args: string[]) {
  const { values, positionals } = parseFlags(
    args,
    { approve: { type: "boolean" }, reject: { type: "boolean" }, by: { type: "string" }, comment: { type: "string" }, "grant-minutes": { type: "string" } },
    USAGE,
  );
  const [id] = positionals;
  if (!id || !values.by || values.approve === values.reject) throw new UsageError(`Give the request id, one of --approve or --reject, and --by EMAIL.\nUsage: warden ${USAGE}`);
  let grantMinutes: number | null = null;
  if (values["grant-minutes"] !== undefined) {
    grantMinutes = Number(values["grant-minutes"]);
    if (!Number.isInteger(grantMinutes) || grantMinutes < 1) throw new UsageError(`--grant-minutes takes a whole number of minutes (got "${values["grant-minutes"]}").`);
  }
  await withStore(async (db) => {
    const reviewer = await findReviewer(db, values.by!).catch(explain);
    const r = await decideApproval(
      db,
      { requestId: id, reviewer, decision: values.approve ? "approve" : "reject", comment: values.comment, grantMinutes },
      notifyOptions(),
    ).catch(explain);
    if (r.status === "pending") console.log(`Your approval is recorded; request ${r.id} needs ${r.minApprovals - r.approvalCount} more.`);
    else console.log(`Request ${r.id} is ${r.status.replace("_", " ")}${r.status === "approved" ? ": the statement runs now" : ""}.`);
  });
}

async function grants(args: string[]) {
  const { values } = parseFlags(args, { all: { type: "boolean" }, json: { type: "boolean" } }, USAGE);
  await withStore(async (db) => {
    const rows = await listGrants(db, { activeOnly: !values.all });
    if (values.json) return console.log(JSON.stringify(rows, null, 2));
    if (rows.length === 0) return console.log("No grants.");
    for (const g of rows) console.log([g.id, g.status.padEnd(7), g.userName, g.connectionName ?? "-", `until ${g.expiresAt}`, oneLine(g.sqlSample, 60)].join("  "));
  });
}

async function revoke(args: string[]) {
  const { values, positionals } = parseFlags(args, { by: { type: "string" } }, USAGE);
  const [id] = positionals;
  if (!id || !values.by) throw new UsageError(`Usage: warden ${USAGE}`);
  await withStore(async (db) => {
    const actor = (await findReviewer(db, values.by!).catch(explain)).email;
    const g = await revokeGrant(db, actor, id).catch(explain);
    console.log(`Grant ${g.id} for ${g.userName} is revoked; their next such statement waits for approval again.`);
  });
}

async function withStore(f: (db: ReturnType<typeof openStore>["db"]) => Promise<void>) {
  const store = openStore();
  try {
    await f(store.db);
  } finally {
    await store.close();
  }
}

/** The webhook and the console's URL, from the validated configuration. */
function notifyOptions(): ApprovalNotifyOptions {
  const config = parseConfig(process.env);
  return {
    webhookUrl: config.WARDEN_APPROVAL_WEBHOOK_URL,
    publicUrl: config.PUBLIC_URL ?? `http://localhost:${config.PORT}`,
    onWebhookError: (err) => console.error(`warning: the approval webhook failed: ${err.message}`),
  };
}

function oneLine(s: string, max: number): string {
  const flat = s.replace(/\s+/g, " ").trim();
  return flat.length > max ? `${flat.slice(0, max - 1)}…` : flat;
}

function who(r: ApprovalRequestDto): string {
  return r.agentName ? `${r.requester} (agent ${r.agentName})` : r.requester;
}

function summaryLine(r: ApprovalRequestDto): string {
  return [r.id, r.status.padEnd(9), r.connectionName, who(r), r.ruleName, `expires ${r.expiresAt}`, oneLine(r.sql, 60)].join("  ");
}

function describe(r: ApprovalRequestDto): string {
  const lines = [
    `Request   ${r.id} (${r.status})`,
    `From      ${who(r)}, ${r.actorKind}, application ${r.applicationName ?? "-"}, ${r.clientAddress ?? "-"}`,
    `On        ${r.connectionName} (${r.protocol} protocol)`,
    `Held by   ${r.ruleName}: ${r.reasons.join("; ")}`,
    `Class     ${r.classification.kind} ${r.classification.command}${r.classification.flags.length ? ` [${r.classification.flags.join(", ")}]` : ""}`,
    `Reviewers ${r.reviewerGroups.join(", ")}; ${r.approvalCount} of ${r.minApprovals} approvals${r.allowGrants ? "; grants allowed" : ""}`,
    `Created   ${r.createdAt}, expires ${r.expiresAt}`,
    "",
    r.sql,
  ];
  if (r.params?.length) lines.push("", ...r.params.map((p, i) => `$${i + 1} = ${p.value === null ? "NULL" : p.format === "binary" ? `(binary, base64) ${p.value}` : p.value}`));
  for (const v of r.votes) lines.push("", `${v.decision === "approve" ? "Approved" : "Rejected"} by ${v.reviewer} at ${v.createdAt}${v.comment ? `: ${v.comment}` : ""}${v.grantMinutes ? ` (grant ${v.grantMinutes} min)` : ""}`);
  if (r.status !== "pending" && r.decidedBy) lines.push("", `Decided by ${r.decidedBy} at ${r.decidedAt}${r.decisionComment ? `: ${r.decisionComment}` : ""}`);
  return lines.join("\n");
}

/** A service's refusal is the user's mistake: a usage error, not a stack trace. */
function explain(err: unknown): never {
  if (err instanceof ServiceError) throw new UsageError(err.message);
  throw err;
}
