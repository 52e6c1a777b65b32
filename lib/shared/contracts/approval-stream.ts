/** What the inbox stream (GET /api/approvals/stream) says, as `event: approval` data. Ids only. */
export type ApprovalStreamEvent = { type: "requested" | "decided"; id: string };

export const APPROVAL_STREAM_PATH = "/api/approvals/stream";
