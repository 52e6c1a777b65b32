import { describe, expect, it } from "vitest";
import { ConfigError, parseConfig } from "@/lib/shared/config";
import { declaredEnvironmentSinks } from "./environment-sinks";

const SECRET = "a-signing-secret-of-32-characters";

function problemsOf(env: Record<string, string>): string[] {
  try {
    parseConfig(env);
    return [];
  } catch (err) {
    if (err instanceof ConfigError) return err.problems;
    throw err;
  }
}

describe("WARDEN_SINK_* validation", () => {
  it("accepts a full set and turns it into env-webhook, env-file and env-stdout", () => {
    const config = parseConfig({
      WARDEN_SINK_WEBHOOK_URL: "https://siem.example.com/warden",
      WARDEN_SINK_WEBHOOK_SECRET: SECRET,
      WARDEN_SINK_FILE: "/var/log/warden/events.jsonl",
      WARDEN_SINK_FILE_MAX_BYTES: "2048",
      WARDEN_SINK_FILE_MAX_FILES: "3",
      WARDEN_SINK_STDOUT: "true",
      WARDEN_SINK_EVENT_TYPES: "gateway.statement, approval.*,,gateway.statement",
    });
    expect(declaredEnvironmentSinks(config)).toEqual([
      expect.objectContaining({ name: "env-webhook", kind: "webhook", url: "https://siem.example.com/warden", secret: SECRET, eventTypes: ["gateway.statement", "approval.*"] }),
      expect.objectContaining({ name: "env-file", kind: "file", filePath: "/var/log/warden/events.jsonl", maxFileBytes: 2048, maxFiles: 3 }),
      expect.objectContaining({ name: "env-stdout", kind: "stdout" }),
    ]);
    expect(declaredEnvironmentSinks(parseConfig({}))).toEqual([]);
  });

  it("refuses each bad value with a sentence naming its variable", () => {
    expect(problemsOf({ WARDEN_SINK_WEBHOOK_URL: "https://siem.example.com/x" })).toEqual([expect.stringMatching(/^WARDEN_SINK_WEBHOOK_SECRET is required with WARDEN_SINK_WEBHOOK_URL/)]);
    expect(problemsOf({ WARDEN_SINK_WEBHOOK_URL: "https://siem.example.com/x", WARDEN_SINK_WEBHOOK_SECRET: "short" })).toEqual([expect.stringMatching(/^WARDEN_SINK_WEBHOOK_SECRET must be at least 16/)]);
    expect(problemsOf({ WARDEN_SINK_WEBHOOK_URL: "http://siem.example.com/x", WARDEN_SINK_WEBHOOK_SECRET: SECRET })).toEqual([expect.stringMatching(/^WARDEN_SINK_WEBHOOK_URL: Use https:\/\//)]);
    expect(problemsOf({ WARDEN_SINK_WEBHOOK_URL: "http://127.0.0.1:9999/x", WARDEN_SINK_WEBHOOK_SECRET: SECRET })).toEqual([]);
    expect(problemsOf({ WARDEN_SINK_WEBHOOK_SECRET: SECRET })).toEqual([expect.stringMatching(/^WARDEN_SINK_WEBHOOK_SECRET is set without WARDEN_SINK_WEBHOOK_URL/)]);
    expect(problemsOf({ WARDEN_SINK_FILE: "events.jsonl" })).toEqual([expect.stringMatching(/^WARDEN_SINK_FILE must be an absolute path/)]);
    expect(problemsOf({ WARDEN_SINK_STDOUT: "1", WARDEN_SINK_EVENT_TYPES: "gateway.statement,Approval Request" })).toEqual([expect.stringMatching(/^WARDEN_SINK_EVENT_TYPES: "Approval Request" is not an event type/)]);
  });
});
