import "server-only";
import type { ApprovalRequest } from "@/drizzle/schema";
import { approvalWebhookMessage, postWebhook, type ApprovalWebhookEvent } from "@/lib/shared/approval-webhook";

/** Settings the deciding services need beside the store: from the validated config, never process.env. */
export type ApprovalNotifyOptions = {
  /** WARDEN_APPROVAL_WEBHOOK_URL; nothing is sent without it. */
  webhookUrl?: string | null;
  /** PUBLIC_URL, for the link to the request. */
  publicUrl?: string;
  /** Where a failed send is reported; it never fails the decision, which is already committed. */
  onWebhookError?(err: Error): void;
};

/** Tells the approval webhook about a decision, after it committed; waits at most a few seconds. */
export async function sendApprovalWebhook(event: ApprovalWebhookEvent, request: ApprovalRequest, options: ApprovalNotifyOptions): Promise<void> {
  if (!options.webhookUrl) return;
  try {
    await postWebhook(options.webhookUrl, approvalWebhookMessage(event, request, options.publicUrl ?? "http://localhost:3000"));
  } catch (err) {
    (options.onWebhookError ?? ((e: Error) => console.warn(`approval webhook failed: ${e.message}`)))(err as Error);
  }
}
