import { describe, expect, it } from "vitest";
// Test-only: the demo data is what the gateway masks on the embedded default, so it is the first
// thing the detectors must get right.
import { generateCustomers } from "@/lib/db/demo/fake-people";
import { DETECTOR_SEMANTIC_TYPES } from "../default-policy";
import type { Detector } from "../policy-document";
import { createNodeMaskingContext } from "./keyed-hash-node";
import { maskDetected, resolveEnabledDetectors, type EnabledDetector } from "./mask-detected";
import { resolveSemanticType } from "./semantic-types";

const ctx = createNodeMaskingContext(new Uint8Array(32).fill(9));
const builtIn = (id: string) => resolveSemanticType(id, { semanticTypes: [] })!;
const enable = (...detectors: Detector[]): EnabledDetector[] => detectors.map((d) => ({ detector: d, semanticType: builtIn(DETECTOR_SEMANTIC_TYPES[d]) }));
const ALL = enable("card_number", "email", "phone", "iban", "us_ssn", "jwt", "cloud_key", "private_key");

describe("maskDetected", () => {
  it("masks every finding in place with its type's method and names the detectors that fired", () => {
    const detail = "Key (email, card)=(john@example.com, 4111 1111 1111 1111) already exists; call 415-555-0123.";
    expect(maskDetected(detail, ALL, ctx)).toEqual({
      text: "Key (email, card)=(j***@example.com, **** **** **** 1111) already exists; call ***-***-**23.",
      fired: ["card_number", "email", "phone"],
    });
  });

  it("masks inside row_to_json output, leaving everything else as it was", () => {
    const row = '{"id":7,"ssn":"123-45-6789","iban":"DE89370400440532013000","note":"ok","at":"2024-01-15T10:30:00Z"}';
    expect(maskDetected(row, ALL, ctx).text).toBe(
      '{"id":7,"ssn":"***-**-6789","iban":"DE89**************3000","note":"ok","at":"2024-01-15T10:30:00Z"}',
    );
  });

  it("returns the text unchanged when nothing is found or nothing is enabled", () => {
    expect(maskDetected("order 1234567, 2024-01-15", ALL, ctx)).toEqual({ text: "order 1234567, 2024-01-15", fired: [] });
    expect(maskDetected("john@example.com", [], ctx)).toEqual({ text: "john@example.com", fired: [] });
    expect(maskDetected("john@example.com", enable("phone"), ctx)).toEqual({ text: "john@example.com", fired: [] });
  });

  it("lets the longest of overlapping findings win, so each character is masked once", () => {
    // The phone detector sees "+14155550123", the email detector the whole address after the plus.
    expect(maskDetected("+14155550123@example.com", enable("phone", "email"), ctx)).toEqual({
      text: "+1**********@example.com",
      fired: ["email"],
    });
    const key = "-----BEGIN PRIVATE KEY-----\\nMIIEvQ\\n-----END PRIVATE KEY-----\\n";
    const json = `{"private_key": "${key}", "client_id": "1"}`;
    expect(maskDetected(json, enable("private_key", "cloud_key"), ctx)).toEqual({
      text: '{"private_key": "[redacted]", "client_id": "1"}',
      fired: ["cloud_key"],
    });
    // With only the PEM detector on, the key itself is still masked; the trailing escape stays.
    expect(maskDetected(json, enable("private_key"), ctx).text).toBe('{"private_key": "[redacted]\\n", "client_id": "1"}');
  });

  it("hashes findings deterministically when the type says hash", () => {
    const hashed: EnabledDetector[] = [{ detector: "email", semanticType: { id: "email", label: "Email", method: { algorithm: "hash" }, format: "email" } }];
    const { text } = maskDetected("a@example.com, b@example.com, a@example.com", hashed, ctx);
    const [a, b, c] = text!.split(", ");
    expect(a).toMatch(/^h:[0-9a-f]{16}$/);
    expect(a).toBe(c);
    expect(a).not.toBe(b);
  });

  it("nulls the whole text when a finding's type says null", () => {
    const nulled: EnabledDetector[] = [{ detector: "us_ssn", semanticType: { id: "gone", label: "Gone", method: { algorithm: "null" }, format: "plain" } }];
    expect(maskDetected("ssn 123-45-6789", [...enable("email"), ...nulled], ctx)).toEqual({ text: null, fired: ["us_ssn"] });
    expect(maskDetected("no ssn here", nulled, ctx)).toEqual({ text: "no ssn here", fired: [] });
  });

  it("leaves none of the demo customers' sensitive values visible, and flags nothing else", () => {
    for (const c of generateCustomers(300, { seed: 42, now: new Date("2025-01-01T00:00:00Z") })) {
      const row = JSON.stringify(c);
      const { text } = maskDetected(row, ALL, ctx);
      for (const value of [c.email, c.phone, c.cardNumber, c.nationalId]) {
        if (value !== null) expect(text, row).not.toContain(value);
      }
      const harmless = JSON.stringify({ name: c.name, address: c.address, createdAt: c.createdAt });
      expect(maskDetected(harmless, ALL, ctx).fired, harmless).toEqual([]);
    }
  });
});

describe("resolveEnabledDetectors", () => {
  it("keeps enabled detectors, in order, with their resolved types", () => {
    const enabled = resolveEnabledDetectors({
      semanticTypes: [{ id: "token", label: "Token", method: { algorithm: "full", replacement: "[token]" } }],
      detectors: [
        { detector: "jwt", isEnabled: true, semanticType: "token" },
        { detector: "email", isEnabled: false, semanticType: "email" },
        { detector: "card_number", isEnabled: true, semanticType: "card_number" },
      ],
    });
    expect(enabled.map((d) => `${d.detector}:${d.semanticType.id}:${d.semanticType.method.algorithm}`)).toEqual(["jwt:token:full", "card_number:card_number:partial"]);
  });

  it("throws on a type the policy does not define, so the caller fails closed", () => {
    expect(() => resolveEnabledDetectors({ semanticTypes: [], detectors: [{ detector: "jwt", isEnabled: true, semanticType: "nope" }] })).toThrow(
      /unknown semantic type "nope"/,
    );
  });
});
