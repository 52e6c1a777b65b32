import { NextResponse } from "next/server";
import { getCurrentUser } from "@/lib/server/auth/guards";
import { getConfig } from "@/lib/server/config";
import { getDb } from "@/lib/server/db";
import { authorizeMetrics } from "@/lib/server/metrics/authorize-metrics";
import { getConsoleMetrics } from "@/lib/server/metrics/console-metrics";

export const dynamic = "force-dynamic";
export const runtime = "nodejs";

/** Prometheus text format: the console's process and the store's figures (README, "Metrics"). Bearer WARDEN_METRICS_TOKEN or an admin. */
export async function GET(req: Request): Promise<Response> {
  const access = await authorizeMetrics(req.headers.get("authorization"), getConfig().WARDEN_METRICS_TOKEN, getCurrentUser);
  if (!access.isAllowed) return NextResponse.json({ error: access.error }, { status: access.status });
  const metrics = getConsoleMetrics();
  return new Response(await metrics.render(getDb()), { headers: { "content-type": metrics.registry.contentType, "cache-control": "no-store" } });
}
