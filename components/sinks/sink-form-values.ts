import type { z } from "zod";
import type { FieldErrors } from "@/lib/shared/contracts/connections";
import {
  createEventSinkInput,
  EVENT_TYPE_PATTERN,
  testEventSinkInput,
  updateEventSinkInput,
  type CreateEventSinkInput,
  type EventSinkDto,
  type EventSinkKind,
  type SINK_START_POINTS,
  type TestEventSinkInput,
  type UpdateEventSinkInput,
} from "@/lib/shared/contracts/event-sinks";

/** What the form edits, as typed: numbers and the event-type list are text until validated. */
export type SinkFormValues = {
  name: string;
  kind: EventSinkKind;
  isEnabled: boolean;
  url: string;
  /** Typed only to set or replace the secret; never filled from the server. */
  secret: string;
  filePath: string;
  /** Rotation size in MiB (the contract counts bytes). */
  maxFileMiB: string;
  maxFiles: string;
  eventTypes: string;
  maxAttempts: string;
  startAt: (typeof SINK_START_POINTS)[number];
};

export type SinkFormField = keyof SinkFormValues;

/** The fields a test delivery depends on: editing one makes an earlier result stale. */
export const SINK_TEST_FIELDS: readonly SinkFormField[] = ["kind", "url", "secret", "filePath", "maxFileMiB", "maxFiles"];

/** Action names a filter can use, as examples next to the field (the audit log lists every action seen). */
export const EVENT_TYPE_EXAMPLES = ["gateway.statement", "gateway.session.*", "gateway.sign_in.failed", "approval.*", "connection.*", "auth.*", "*"] as const;

const MIB = 1024 * 1024;

export const NEW_SINK_VALUES: SinkFormValues = {
  name: "",
  kind: "webhook",
  isEnabled: true,
  url: "",
  secret: "",
  filePath: "",
  maxFileMiB: "100",
  maxFiles: "5",
  eventTypes: "",
  maxAttempts: "10",
  startAt: "now",
};

/** The edit form starts from the saved sink; the secret is never sent to the browser, so its box starts empty. */
export function formValuesFromSink(sink: EventSinkDto): SinkFormValues {
  return {
    name: sink.name,
    kind: sink.kind,
    isEnabled: sink.isEnabled,
    url: sink.url ?? "",
    secret: "",
    filePath: sink.filePath ?? "",
    maxFileMiB: sink.maxFileBytes === null ? NEW_SINK_VALUES.maxFileMiB : String(Math.max(1, Math.round(sink.maxFileBytes / MIB))),
    maxFiles: sink.maxFiles === null ? NEW_SINK_VALUES.maxFiles : String(sink.maxFiles),
    eventTypes: sink.eventTypes.join(", "),
    maxAttempts: String(sink.maxAttempts),
    startAt: "oldest",
  };
}

/** "approval.*, gateway.statement\nauth.*" -> three filters: commas, spaces or new lines separate them. */
export function parseEventTypes(text: string): string[] {
  return [...new Set(text.split(/[\s,]+/).filter(Boolean))];
}

/** The first typed filter that is not an event type, for a message that names it. */
export function invalidEventType(text: string): string | undefined {
  return parseEventTypes(text).find((t) => !EVENT_TYPE_PATTERN.test(t));
}

export type Validation<T> = { isValid: true; input: T; errors: FieldErrors } | { isValid: false; errors: FieldErrors };

/** Validates with the server's own zod schema, so both sides agree on every message; errors are keyed by form field. */
function validateWith<S extends z.ZodType>(schema: S, draft: unknown, eventTypesText: string): Validation<z.output<S>> {
  const result = schema.safeParse(draft);
  if (result.success) return { isValid: true, input: result.data, errors: {} };
  const errors: FieldErrors = {};
  for (const issue of result.error.issues) {
    const key = String(issue.path[0] ?? "form");
    errors[key === "maxFileBytes" ? "maxFileMiB" : key] ??= issue.message;
  }
  const bad = invalidEventType(eventTypesText);
  if (errors.eventTypes && bad) errors.eventTypes = `“${bad}” is not an event type. ${errors.eventTypes}`;
  return { isValid: false, errors };
}

/** "" -> undefined (the contract's "required" or default applies); anything else as typed, for zod to coerce and judge. */
const numberText = (text: string) => (text.trim() === "" ? undefined : text.trim());

function mibToBytes(text: string): number | string | undefined {
  const t = numberText(text);
  if (t === undefined) return undefined;
  // Whole MiB only: "1.5" or "ten" go to zod as typed, which answers "Enter a whole number"-style messages.
  return /^\d+$/.test(t) ? Number(t) * MIB : t;
}

function destinationDraft(values: SinkFormValues) {
  switch (values.kind) {
    case "webhook":
      return { kind: "webhook" as const, url: values.url };
    case "file":
      return { kind: "file" as const, filePath: values.filePath, maxFileBytes: mibToBytes(values.maxFileMiB), maxFiles: numberText(values.maxFiles) };
    case "stdout":
      return { kind: "stdout" as const };
  }
}

function commonDraft(values: SinkFormValues) {
  return {
    name: values.name,
    isEnabled: values.isEnabled,
    eventTypes: parseEventTypes(values.eventTypes),
    maxAttempts: numberText(values.maxAttempts),
    ...destinationDraft(values),
  };
}

export function validateCreateSink(values: SinkFormValues): Validation<CreateEventSinkInput> {
  const secret = values.kind === "webhook" ? { secret: values.secret } : {};
  return validateWith(createEventSinkInput, { ...commonDraft(values), ...secret, startAt: values.startAt }, values.eventTypes);
}

/** An empty secret box keeps the stored secret. */
export function validateUpdateSink(values: SinkFormValues): Validation<UpdateEventSinkInput> {
  const secret = values.kind === "webhook" && values.secret !== "" ? { secret: values.secret } : {};
  return validateWith(updateEventSinkInput, { ...commonDraft(values), ...secret }, values.eventTypes);
}

/**
 * The draft to test: the destination as it stands in the form. With a saved sink (`sinkId`) an empty
 * secret box means the stored secret; an unsaved webhook needs the secret typed.
 */
export function validateSinkTestDraft(values: SinkFormValues, sinkId?: string): Validation<TestEventSinkInput> {
  const secret = values.kind === "webhook" && values.secret !== "" ? { secret: values.secret } : {};
  const name = values.name.trim() || undefined;
  const result = validateWith(testEventSinkInput, { id: sinkId, name, ...destinationDraft(values), ...secret }, "");
  if (result.isValid && !sinkId && values.kind === "webhook" && values.secret === "") {
    return { isValid: false, errors: { secret: "Enter the signing secret: the test request is signed with it." } };
  }
  return result;
}
