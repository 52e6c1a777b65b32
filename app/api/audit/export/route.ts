import { withRole } from "@/lib/server/auth/guards";
import { exportAuditEvents } from "@/lib/server/audit/export-audit-events";
import { getDb } from "@/lib/server/db";
import { handle } from "@/lib/server/http";
import { auditExportQuery } from "@/lib/shared/contracts/audit";

const CONTENT_TYPES = { csv: "text/csv; charset=utf-8", jsonl: "application/x-ndjson; charset=utf-8" } as const;

/** The audit log's current filter as a download (CSV or JSON lines), streamed; for the roles that may read the log. */
export const GET = withRole(["admin", "auditor"], (req) =>
  handle(async () => {
    const { format, ...filters } = auditExportQuery.parse(Object.fromEntries(new URL(req.url).searchParams));
    const chunks = exportAuditEvents(getDb(), filters, format);
    const encoder = new TextEncoder();
    const body = new ReadableStream<Uint8Array>({
      async pull(controller) {
        try {
          const next = await chunks.next();
          if (next.done) controller.close();
          else controller.enqueue(encoder.encode(next.value));
        } catch (err) {
          console.error("[console] audit export failed", err);
          controller.error(err);
        }
      },
      async cancel() {
        await chunks.return(undefined);
      },
    });
    const stamp = new Date().toISOString().replace(/[:.]/g, "-");
    return new Response(body, {
      headers: {
        "content-type": CONTENT_TYPES[format],
        "content-disposition": `attachment; filename="warden-audit-${stamp}.${format}"`,
        "cache-control": "no-store",
      },
    });
  }),
);
