import { withRole } from "@/lib/server/auth/guards";
import { createApprovalEventStream } from "@/lib/server/live/approval-event-stream";
import { getStoreListener } from "@/lib/server/live/store-listener";

// A live response per request: never cached, never prerendered.
export const dynamic = "force-dynamic";

/**
 * The inbox's live feed (Server-Sent Events): an event per approval request created or decided, from
 * the console's one shared LISTEN connection. `no-transform` keeps the response out of compression,
 * which would hold events back until a buffer fills.
 */
export const GET = withRole(["reviewer", "admin"], async (req) =>
  new Response(createApprovalEventStream(getStoreListener(), req.signal), {
    headers: {
      "content-type": "text/event-stream; charset=utf-8",
      "cache-control": "no-cache, no-transform",
      connection: "keep-alive",
      "x-accel-buffering": "no",
    },
  }),
);
