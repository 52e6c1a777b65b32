import type { ApprovalRequest } from "@/drizzle/schema";
import { approvalWebhookMessage, postWebhook, type ApprovalWebhookEvent } from "@/lib/shared/approval-webhook";
import type { Logger } from "../log";

export type ApprovalWebhookSender = (event: ApprovalWebhookEvent, request: ApprovalRequest) => void;

/**
 * The gateway's side of the approval webhook: a request it created, or one that timed out or was
 * withdrawn while it held the statement. Sent in the background; a failure is logged, never fatal,
 * and never delays the client. `track` lets the worker wait for sends in flight when it stops.
 */
export function createApprovalWebhookSender(opts: { url: string | undefined; publicUrl: string; log: Logger; track(p: Promise<unknown>): void }): ApprovalWebhookSender {
  const { url } = opts;
  if (!url) return () => {};
  return (event, r) => {
    const message = approvalWebhookMessage(event, { ...r, decidedBy: r.decidedBy, decisionComment: r.decisionComment }, opts.publicUrl);
    opts.track(postWebhook(url, message).catch((err) => opts.log.warn("approval webhook failed", { event, request: r.id, error: (err as Error).message })));
  };
}
