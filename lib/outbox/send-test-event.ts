import type { SinkTestResult } from "@/lib/shared/contracts/event-sinks";
import { buildTestEvent } from "./event-envelope";
import { openSink, type SinkSettings } from "./sinks/open-sink";

/**
 * "Send a test event": one synthetic event (action `warden.sink.test`, seq 0, `isTest: true`)
 * through the sink's real code (signed POST, fsynced file line, stdout line). It touches neither the
 * cursor nor the failure state: it only says whether these settings deliver. `sink` is a stored row
 * or a draft with a plain `secret`; a saved sink tested with an empty secret uses its stored one.
 */
export async function sendTestEvent(sink: SinkSettings, secretKey: Buffer, opts: { actor?: string; timeoutMs?: number } = {}): Promise<SinkTestResult> {
  const started = performance.now();
  const elapsed = () => Math.round(performance.now() - started);
  try {
    const writer = openSink(sink, secretKey, { webhookTimeoutMs: opts.timeoutMs });
    const receipt = await writer.deliver([buildTestEvent(sink.name ?? undefined, opts.actor ?? "warden")]);
    return { isDelivered: true, durationMs: elapsed(), ...(receipt.status === undefined ? {} : { status: receipt.status }) };
  } catch (err) {
    const status = (err as { status?: number }).status;
    return { isDelivered: false, durationMs: elapsed(), error: (err as Error).message, ...(status === undefined ? {} : { status }) };
  }
}
