import type { Writable } from "node:stream";
import { toJsonLine, type OutboxEvent } from "../event-envelope";
import { SinkDeliveryError, type SinkWriter } from "./sink-writer";

/** JSON lines on stdout, for container log shippers. Delivered once the stream has taken the bytes. */
export function createStdoutSink(out: Writable = process.stdout): SinkWriter {
  return {
    async deliver(events: OutboxEvent[]) {
      let text = "";
      for (const e of events) text += toJsonLine(e);
      await new Promise<void>((resolve, reject) => {
        out.write(text, (err) => (err ? reject(new SinkDeliveryError(`Cannot write to stdout: ${err.message}.`)) : resolve()));
      });
      return {};
    },
  };
}
