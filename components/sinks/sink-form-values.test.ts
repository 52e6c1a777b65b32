import { describe, expect, it } from "vitest";
import type { EventSinkDto } from "@/lib/shared/contracts/event-sinks";
import { formValuesFromSink, NEW_SINK_VALUES, parseEventTypes, validateCreateSink, validateSinkTestDraft, validateUpdateSink } from "./sink-form-values";

const webhook = { ...NEW_SINK_VALUES, name: "siem", url: "https://siem.example.com/hook", secret: "0123456789abcdef" };

describe("sink form values", () => {
  it("splits filters on commas, spaces and new lines, once each", () => {
    expect(parseEventTypes("approval.*, gateway.statement\nauth.* approval.*")).toEqual(["approval.*", "gateway.statement", "auth.*"]);
  });

  it("builds a webhook create input, starting now by default", () => {
    const v = validateCreateSink({ ...webhook, eventTypes: "approval.*, gateway.statement", maxAttempts: "3" });
    expect(v).toMatchObject({ isValid: true, input: { kind: "webhook", url: webhook.url, secret: webhook.secret, eventTypes: ["approval.*", "gateway.statement"], maxAttempts: 3, startAt: "now" } });
  });

  it("puts each problem next to its field, naming a bad filter", () => {
    const v = validateCreateSink({ ...webhook, url: "http://siem.example.com/hook", secret: "short", eventTypes: "approval.*, Not A Type", maxAttempts: "0" });
    expect(v.isValid).toBe(false);
    expect(v.errors.url).toMatch(/https/);
    expect(v.errors.secret).toMatch(/16 characters/);
    expect(v.errors.eventTypes).toMatch(/“Not” is not an event type/);
    expect(v.errors.maxAttempts).toMatch(/At least 1/);
  });

  it("converts the file rotation size from MiB and reports it on the MiB field", () => {
    const ok = validateCreateSink({ ...NEW_SINK_VALUES, kind: "file", name: "jsonl", filePath: "/var/log/warden.jsonl", maxFileMiB: "2", maxFiles: "3" });
    expect(ok).toMatchObject({ isValid: true, input: { kind: "file", maxFileBytes: 2 * 1024 * 1024, maxFiles: 3 } });
    const bad = validateCreateSink({ ...NEW_SINK_VALUES, kind: "file", name: "jsonl", filePath: "relative.jsonl", maxFileMiB: "0" });
    expect(bad.errors).toMatchObject({ filePath: expect.stringMatching(/absolute/), maxFileMiB: expect.any(String) });
  });

  it("keeps the stored secret on update when the box is empty", () => {
    const v = validateUpdateSink({ ...webhook, secret: "" });
    expect(v.isValid).toBe(true);
    expect(v.isValid && "secret" in v.input).toBe(false);
  });

  it("tests a saved webhook with its stored secret, but needs the secret typed for a draft", () => {
    expect(validateSinkTestDraft({ ...webhook, secret: "" }, "5b1e0f8e-4c7a-4d2b-9f3e-1a2b3c4d5e6f")).toMatchObject({ isValid: true });
    expect(validateSinkTestDraft({ ...webhook, secret: "" })).toMatchObject({ isValid: false, errors: { secret: expect.stringMatching(/signing secret/) } });
    expect(validateSinkTestDraft({ ...webhook, name: "" })).toMatchObject({ isValid: true, input: { kind: "webhook", url: webhook.url } });
  });

  it("starts the edit form from the saved sink without its secret", () => {
    const sink = { name: "jsonl", kind: "file", isEnabled: false, url: null, hasSecret: false, filePath: "/tmp/a.jsonl", maxFileBytes: 5 * 1024 * 1024, maxFiles: 2, eventTypes: ["auth.*"], maxAttempts: 4 } as EventSinkDto;
    expect(formValuesFromSink(sink)).toMatchObject({ kind: "file", isEnabled: false, secret: "", maxFileMiB: "5", maxFiles: "2", eventTypes: "auth.*", maxAttempts: "4" });
  });
});
