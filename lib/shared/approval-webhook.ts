/**
 * The optional approval webhook (WARDEN_APPROVAL_WEBHOOK_URL): a Slack-compatible JSON message
 * (`text` for notifications and other chat tools, `blocks` for Slack) when a statement is held and
 * when its request is decided, so on-call reviewers hear of it without watching the console.
 */

export type ApprovalWebhookEvent = "requested" | "approved" | "rejected" | "timed_out" | "withdrawn";

export type ApprovalWebhookFacts = {
  id: string;
  connectionName: string;
  /** The subject: the user name the statement ran as. */
  requester: string;
  /** Who minted the token it ran under; null for a JWT sign-in (and absent in older callers). */
  requesterMintedBy?: string | null;
  actorKind: string;
  agentName: string | null;
  sql: string;
  ruleName: string;
  reasons: string[];
  reviewerGroups: string[];
  decidedBy?: string | null;
  decisionComment?: string | null;
};

export type SlackMessage = { text: string; blocks: Record<string, unknown>[] };

const HEADLINES: Record<ApprovalWebhookEvent, string> = {
  requested: "needs approval",
  approved: "was approved",
  rejected: "was rejected",
  timed_out: "timed out without a decision",
  withdrawn: "was withdrawn by the client",
};

/** Slack's mrkdwn treats these three as markup. https://api.slack.com/reference/surfaces/formatting#escaping */
function escapeMrkdwn(s: string): string {
  return s.replaceAll("&", "&amp;").replaceAll("<", "&lt;").replaceAll(">", "&gt;");
}

function truncate(s: string, max: number): string {
  return s.length > max ? `${s.slice(0, max - 1)}…` : s;
}

export function approvalWebhookMessage(event: ApprovalWebhookEvent, r: ApprovalWebhookFacts, publicUrl: string): SlackMessage {
  const url = `${publicUrl}/approvals/${r.id}`;
  const minted = r.requesterMintedBy && r.requesterMintedBy.trim().toLowerCase() !== r.requester.trim().toLowerCase() ? `, minted by ${r.requesterMintedBy}` : "";
  const who = r.agentName ? `${r.requester} (agent ${r.agentName}${minted})` : `${r.requester} (${r.actorKind}${minted})`;
  const text = `Warden: a statement by ${who} on ${r.connectionName} ${HEADLINES[event]}: ${url}`;
  const lines = [`*Statement on ${escapeMrkdwn(r.connectionName)} ${HEADLINES[event]}*`, `By ${escapeMrkdwn(who)}, held by rule _${escapeMrkdwn(r.ruleName)}_: ${escapeMrkdwn(r.reasons.join("; "))}`];
  if (event === "requested") lines.push(`Reviewers: ${escapeMrkdwn(r.reviewerGroups.join(", "))}`);
  if (r.decidedBy) lines.push(`Decided by ${escapeMrkdwn(r.decidedBy)}${r.decisionComment ? `: ${escapeMrkdwn(r.decisionComment)}` : ""}`);
  // A code block must not be closed early by the statement itself.
  const sql = escapeMrkdwn(truncate(r.sql, 1500)).replaceAll("```", "`\u200b``");
  return {
    text,
    blocks: [
      { type: "section", text: { type: "mrkdwn", text: lines.join("\n") } },
      { type: "section", text: { type: "mrkdwn", text: `\`\`\`${sql}\`\`\`` } },
      { type: "context", elements: [{ type: "mrkdwn", text: `<${url}|Open request ${r.id.slice(0, 8)} in Warden>` }] },
    ],
  };
}

/** Posts JSON with a short time limit; throws on a network error, a timeout or a non-2xx answer. */
export async function postWebhook(url: string, body: unknown, timeoutMs = 3000): Promise<void> {
  const res = await fetch(url, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify(body),
    signal: AbortSignal.timeout(timeoutMs),
  });
  if (!res.ok) throw new Error(`webhook answered ${res.status} ${res.statusText}`);
}
