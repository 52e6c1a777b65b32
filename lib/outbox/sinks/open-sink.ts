import type { EventSink } from "@/drizzle/schema";
import { decryptSinkSecret } from "../sink-secret";
import { createFileSink } from "./file-sink";
import { SinkDeliveryError, type SinkWriter } from "./sink-writer";
import { createStdoutSink } from "./stdout-sink";
import { createWebhookSink } from "./webhook-sink";

/**
 * A sink's settings: a stored row, or a draft from the console's form. A draft's webhook secret is
 * plain (`secret`); otherwise the stored ciphertext is decrypted, bound to the sink's `id`.
 */
export type SinkSettings = Pick<EventSink, "kind"> &
  Partial<Pick<EventSink, "id" | "name" | "url" | "secretCiphertext" | "filePath" | "maxFileBytes" | "maxFiles">> & { secret?: string | null };

export type OpenSinkOptions = { webhookTimeoutMs?: number };

/** The writer for a sink's kind. Throws a SinkDeliveryError when the settings cannot work (no URL, a secret that does not decrypt). */
export function openSink(sink: SinkSettings, secretKey: Buffer, opts: OpenSinkOptions = {}): SinkWriter {
  switch (sink.kind) {
    case "webhook": {
      if (!sink.url) throw new SinkDeliveryError("This webhook has no URL.");
      return createWebhookSink({ url: sink.url, secret: resolveSecret(sink, secretKey), timeoutMs: opts.webhookTimeoutMs });
    }
    case "file": {
      if (!sink.filePath) throw new SinkDeliveryError("This file sink has no file path.");
      return createFileSink({ filePath: sink.filePath, maxFileBytes: sink.maxFileBytes ?? 100 * 1024 * 1024, maxFiles: sink.maxFiles ?? 5 });
    }
    case "stdout":
      return createStdoutSink();
  }
}

function resolveSecret(sink: SinkSettings, secretKey: Buffer): string {
  if (sink.secret) return sink.secret;
  if (!sink.secretCiphertext || !sink.id) throw new SinkDeliveryError("This webhook has no signing secret.");
  try {
    return decryptSinkSecret(secretKey, sink.secretCiphertext, sink.id);
  } catch (err) {
    throw new SinkDeliveryError((err as Error).message.replace("Stored credential", "The stored signing secret"));
  }
}
