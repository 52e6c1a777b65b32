import "server-only";
import type { EventSink } from "@/drizzle/schema";
import { appendAuditEvent } from "@/lib/audit/append-event";
import type { Db } from "@/lib/db/create-db";
import { sendTestEvent } from "@/lib/outbox/send-test-event";
import type { SinkSettings } from "@/lib/outbox/sinks/open-sink";
import { testEventSinkInput, type SinkTestResult, type TestEventSinkInput } from "@/lib/shared/contracts/event-sinks";
import { ServiceError } from "../connections/service-error";
import { findSinkRow } from "./list-sinks";

const NEEDS_SECRET = "Enter the signing secret: the test request is signed with it.";

/**
 * What to test: the form's destination, with the stored secret of the saved sink when none is typed.
 * An environment sink is tested exactly as declared: its stored secret signs only for its own URL.
 */
function settingsToTest(data: ReturnType<typeof testEventSinkInput.parse>, stored: EventSink | undefined): SinkSettings {
  if (stored?.source === "environment") return stored;
  const storedCiphertext = stored?.kind === "webhook" ? stored.secretCiphertext : null;
  switch (data.kind) {
    case "webhook":
      if (!data.secret && !storedCiphertext) throw new ServiceError(NEEDS_SECRET, 400, { secret: NEEDS_SECRET });
      return { kind: "webhook", id: stored?.id, name: data.name || stored?.name, url: data.url, secret: data.secret, secretCiphertext: data.secret ? null : storedCiphertext };
    case "file":
      return { kind: "file", id: stored?.id, name: data.name || stored?.name, filePath: data.filePath, maxFileBytes: data.maxFileBytes, maxFiles: data.maxFiles };
    case "stdout":
      return { kind: "stdout", id: stored?.id, name: data.name || stored?.name };
  }
}

/**
 * "Send test event" for a saved sink or an unsaved draft: one synthetic event through the sink's
 * real code (lib/outbox/send-test-event.ts), which moves no cursor. Who tested which destination,
 * and how it went, is audited (never the secret: only whether the typed or the stored one signed).
 */
export async function testSink(db: Db, secretKey: Buffer, actor: string, input: TestEventSinkInput): Promise<SinkTestResult> {
  const data = testEventSinkInput.parse(input);
  const stored = data.id ? await findSinkRow(db, data.id) : undefined;
  if (data.id && !stored) throw new ServiceError("This event sink does not exist (any more).", 404);
  const settings = settingsToTest(data, stored);
  const result = await sendTestEvent(settings, secretKey, { actor });
  await db.transaction((tx) =>
    appendAuditEvent(tx, {
      actor,
      action: "event_sink.test",
      targetType: "event_sink",
      targetId: stored?.id ?? null,
      targetName: settings.name ?? null,
      details: {
        isDraft: !stored,
        kind: settings.kind,
        destination: settings.kind === "webhook" ? settings.url : settings.kind === "file" ? settings.filePath : "stdout",
        ...(settings.kind === "webhook" ? { secretUsed: settings.secret ? "typed" : "stored" } : {}),
        ...result,
      },
    }),
  );
  return result;
}
