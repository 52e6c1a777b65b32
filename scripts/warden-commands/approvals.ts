import { decideApproval, type Reviewer } from "@/lib/server/approvals/decide-approval";
import { findReviewer } from "@/lib/server/approvals/find-reviewer";
import { getApprovalRequest } from "@/lib/server/approvals/get-approval-request";
import { listApprovalRequests } from "@/lib/server/approvals/list-approval-requests";
import { listGrants } from "@/lib/server/approvals/list-grants";
import { revokeGrant } from "@/lib/server/approvals/revoke-grant";
import type { ApprovalNotifyOptions } from "@/lib/server/approvals/send-approval-webhook";
import { ServiceError } from "@/lib/server/connections/service-error";
import { parseConfig, type WardenConfig } from "@/lib/shared/config";
import { describeRequester, GRANT_SCOPES, type ApprovalRequestDto, type GrantScope } from "@/lib/shared/contracts/approvals";
import { parseFlags, UsageError, usageLines, type Command } from "./command";
import { findKnownGroups } from "./known-groups";
import { cliActor, withStore, type Store } from "./store-access";

const LIST_USAGE = "approvals list [--all] [--json]";
const SHOW_USAGE = "approvals show ID [--json]";
const DECIDE_USAGE = "approvals decide ID --approve|--reject --by EMAIL [--comment TEXT] [--grant-minutes N [--grant-scope statement|fingerprint]]";
const GRANTS_USAGE = "approvals grants [--all] [--json]";
const REVOKE_USAGE = "approvals revoke-grant ID --by EMAIL";
const USAGE = [LIST_USAGE, SHOW_USAGE, DECIDE_USAGE, GRANTS_USAGE, REVOKE_USAGE].join("\n       warden ");

const REVIEWER_RULE = `--by names the reviewer. Their groups are the ones the identity provider gave them at their last
sign-in to the console; on the embedded default (no DATABASE_URL and no OIDC_ISSUER), the demo users
of the local OpenID provider are known without signing in. Someone whose groups are unknown cannot
decide, and nobody decides on their own statement: neither its subject (the user name it ran as)
nor whoever minted the token it ran under, by email in the console or, from a terminal, as this
command's cli:USER@HOST, whatever user name the token carries.`;

const HELP: Record<string, string> = {
  list: `${usageLines(LIST_USAGE)}\n\nLists statements waiting for approval (every request with --all), one line each.\n\nOptions:\n  --all    decided and expired requests too\n  --json   as JSON\n`,
  show: `${usageLines(SHOW_USAGE)}\n\nShows one request in full: who sent it, on which connection, why it is held, the SQL and its\nparameters, and the votes so far.\n`,
  decide: `${usageLines(DECIDE_USAGE)}

Approves or rejects a held statement, under the console's rules: the reviewer must be in one of
the rule's reviewer groups; approved, the statement runs at once; rejected, the client gets an error
with your comment.

${REVIEWER_RULE}

Options:
  --approve | --reject   the decision (exactly one)
  --by EMAIL             the reviewer deciding
  --comment TEXT         a comment the requester sees
  --grant-minutes N      with --approve, where the rule allows it: let the requester run this
                         statement again without asking, for N minutes
  --grant-scope SCOPE    what that grant covers: statement (the default) is this exact statement,
                         its text character for character and the same parameter values;
                         fingerprint is every statement of its shape, with any literals and
                         parameter values (every id, not just this one): choose it explicitly
`,
  grants: `${usageLines(GRANTS_USAGE)}\n\nLists grants (standing approvals): active ones, or all with --all.\n\nOptions:\n  --all    expired and revoked grants too\n  --json   as JSON\n`,
  "revoke-grant": `${usageLines(REVOKE_USAGE)}\n\nRevokes a grant by its id (from \`warden approvals grants\`); the holder's next such statement\nwaits for approval again.\n\n${REVIEWER_RULE}\n`,
};

/**
 * `warden approvals ...`: the inbox for on-call reviewers in a terminal. The same services and
 * rules as the console: the reviewer (--by) must have signed in to the console once, so their
 * groups are known; nobody decides their own statement.
 */
export const approvalsCommand: Command = {
  name: "approvals",
  usage: "approvals list | show ID | decide ID --approve|--reject --by EMAIL",
  summary: "review held statements from a terminal; also approvals grants, approvals revoke-grant ID",
  help(sub) {
    return (sub && HELP[sub]) || `${usageLines(USAGE)}\n\nHeld statements and grants, for on-call reviewers. More: warden approvals <subcommand> --help.\n`;
  },
  async run(args) {
    const [sub, ...rest] = args;
    if (sub === "list") return list(rest);
    if (sub === "show") return show(rest);
    if (sub === "decide") return decide(rest);
    if (sub === "grants") return grants(rest);
    if (sub === "revoke-grant") return revoke(rest);
    throw new UsageError(`${sub ? `Unknown subcommand "approvals ${sub}".\n` : ""}${usageLines(USAGE)}`);
  },
};

async function list(args: string[]) {
  const { values } = parseFlags(args, { all: { type: "boolean" }, json: { type: "boolean" } }, LIST_USAGE);
  await withStore(async ({ db }) => {
    const { items } = await listApprovalRequests(db, { status: values.all ? "all" : "pending", limit: 200 });
    if (values.json) return console.log(JSON.stringify(items, null, 2));
    if (items.length === 0) return console.log(values.all ? "No approval requests." : "No statements are waiting for approval.");
    for (const r of items) console.log(summaryLine(r));
  });
}

async function show(args: string[]) {
  const { values, positionals } = parseFlags(args, { json: { type: "boolean" } }, SHOW_USAGE, 1);
  const [id] = positionals;
  if (!id) throw new UsageError(`Give the request's id (from \`warden approvals list\`).\n${usageLines(SHOW_USAGE)}`);
  await withStore(async ({ db }) => {
    const r = await getApprovalRequest(db, id).catch(explain);
    if (values.json) return console.log(JSON.stringify(r, null, 2));
    console.log(describe(r));
  });
}

async function decide(args: string[]) {
  const { values, positionals } = parseFlags(
    args,
    { approve: { type: "boolean" }, reject: { type: "boolean" }, by: { type: "string" }, comment: { type: "string" }, "grant-minutes": { type: "string" }, "grant-scope": { type: "string" } },
    DECIDE_USAGE,
    1,
  );
  const [id] = positionals;
  if (!id || !values.by || values.approve === values.reject) throw new UsageError(`Give the request id, one of --approve or --reject, and --by EMAIL.\n${usageLines(DECIDE_USAGE)}`);
  let grantMinutes: number | null = null;
  if (values["grant-minutes"] !== undefined) {
    grantMinutes = Number(values["grant-minutes"]);
    if (!Number.isInteger(grantMinutes) || grantMinutes < 1) throw new UsageError(`--grant-minutes takes a whole number of minutes (got "${values["grant-minutes"]}").`);
  }
  const scope = values["grant-scope"];
  if (scope !== undefined && !(GRANT_SCOPES as readonly string[]).includes(scope)) throw new UsageError(`--grant-scope is statement or fingerprint (got "${scope}").`);
  if (scope !== undefined && grantMinutes === null) throw new UsageError("--grant-scope goes with --grant-minutes.");
  const grantScope = (scope as GrantScope | undefined) ?? "statement";
  await withStore(async (store) => {
    const db = store.db;
    const reviewer = await findCliReviewer(store, values.by!);
    const r = await decideApproval(
      db,
      // From a terminal the reviewer also acts as this command's cli:USER@HOST, the minter of tokens made here.
      { requestId: id, reviewer: { ...reviewer, aliases: [cliActor()] }, decision: values.approve ? "approve" : "reject", comment: values.comment, grantMinutes, grantScope },
      notifyOptions(),
    ).catch(explain);
    if (r.status === "pending") console.log(`Your approval is recorded; request ${r.id} needs ${r.minApprovals - r.approvalCount} more.`);
    else console.log(`Request ${r.id} is ${r.status.replace("_", " ")}${r.status === "approved" ? ": the statement runs now" : ""}.`);
  });
}

async function grants(args: string[]) {
  const { values } = parseFlags(args, { all: { type: "boolean" }, json: { type: "boolean" } }, GRANTS_USAGE);
  await withStore(async ({ db }) => {
    const rows = await listGrants(db, { activeOnly: !values.all });
    if (values.json) return console.log(JSON.stringify(rows, null, 2));
    if (rows.length === 0) return console.log("No grants.");
    for (const g of rows) console.log([g.id, g.status.padEnd(7), g.scope.padEnd(11), g.userName, g.connectionName ?? "-", `until ${g.expiresAt}`, oneLine(g.sqlSample, 60)].join("  "));
  });
}

async function revoke(args: string[]) {
  const { values, positionals } = parseFlags(args, { by: { type: "string" } }, REVOKE_USAGE, 1);
  const [id] = positionals;
  if (!id || !values.by) throw new UsageError(`Give the grant's id (from \`warden approvals grants\`) and --by EMAIL.\n${usageLines(REVOKE_USAGE)}`);
  await withStore(async (store) => {
    const actor = (await findCliReviewer(store, values.by!)).email;
    const g = await revokeGrant(store.db, actor, id).catch(explain);
    console.log(`Grant ${g.id} for ${g.userName} is revoked; their next such statement waits for approval again.`);
  });
}

/**
 * The reviewer named by --by: their groups from their last console sign-in, or on the embedded
 * default a demo user's groups (the same list the local OpenID provider signs them in with).
 */
async function findCliReviewer(store: Store, email: string): Promise<Reviewer> {
  try {
    return await findReviewer(store.db, email);
  } catch (err) {
    if (!(err instanceof ServiceError)) throw err;
    const known = await findKnownGroups(store.db, store.location, email);
    if (known) return { email: email.trim(), groups: known.groups };
    return explain(err);
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
  const person = describeRequester(r.requester, r.requesterMintedBy);
  return r.agentName ? `${person} (agent ${r.agentName})` : person;
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
  for (const v of r.votes) lines.push("", `${v.decision === "approve" ? "Approved" : "Rejected"} by ${v.reviewer} at ${v.createdAt}${v.comment ? `: ${v.comment}` : ""}${v.grantMinutes ? ` (grant ${v.grantMinutes} min, ${v.grantScope === "fingerprint" ? "every statement of this shape" : "this exact statement"})` : ""}`);
  if (r.status !== "pending" && r.decidedBy) lines.push("", `Decided by ${r.decidedBy} at ${r.decidedAt}${r.decisionComment ? `: ${r.decisionComment}` : ""}`);
  return lines.join("\n");
}

/** A service's refusal is the user's mistake: a usage error, not a stack trace. */
function explain(err: unknown): never {
  if (err instanceof ServiceError) throw new UsageError(err.message);
  throw err;
}
