import { describe, expect, it } from "vitest";
import type { ConnectionDto } from "@/lib/shared/contracts/connections";
import { parseGroupList } from "@/lib/shared/contracts/group-names";
import {
  describeUntestedSave,
  formValuesFromConnection,
  NEW_CONNECTION_VALUES,
  validateCreateConnection,
  validateTestDraft,
  validateUpdateConnection,
} from "./connection-form-values";

const filled = { ...NEW_CONNECTION_VALUES, name: "orders", host: "db.internal", database: "orders", username: "warden" };
const id = "7d2f3c1e-2b7a-4f0e-9c55-0a1b2c3d4e5f";

describe("parseGroupList", () => {
  it("splits on commas only, trims, and drops empties", () => {
    expect(parseGroupList(" admins, dba  eng,,\nops ")).toEqual(["admins", "dba  eng", "ops"]);
    expect(parseGroupList("  ")).toEqual([]);
  });
});

describe("validateCreateConnection", () => {
  it("returns the normalized input the API expects", () => {
    const result = validateCreateConnection({ ...filled, port: " 6543 ", allowedGroups: "dba, dba,eng", password: "s3cret" });
    expect(result.isValid).toBe(true);
    if (!result.isValid) return;
    expect(result.input).toMatchObject({ name: "orders", port: 6543, allowedGroups: ["dba", "eng"], password: "s3cret", sslmode: "require", allowMd5WithoutTls: false });
  });
  it("refuses a malformed groups field instead of splitting it into odd groups", () => {
    for (const text of ["developer;; ad min", "ad min", "dev;ops", "-dash"]) {
      const result = validateCreateConnection({ ...filled, allowedGroups: text });
      expect(result.isValid, text).toBe(false);
      expect(result.errors.allowedGroups, text).toMatch(/is not a group name/);
    }
    const ok = validateCreateConnection({ ...filled, allowedGroups: "developer, platform-admins, team:data/eng, a@b.c" });
    expect(ok.isValid).toBe(true);
  });
  it("reports the contract's message for each bad field", () => {
    const result = validateCreateConnection({ ...NEW_CONNECTION_VALUES, name: "Orders DB", port: "" });
    expect(result.isValid).toBe(false);
    expect(result.errors.name).toMatch(/lowercase letters/);
    expect(result.errors.host).toBe("Enter the server's host name or IP address.");
    expect(result.errors.port).toBe("Enter a port number.");
    expect(result.errors.database).toBeDefined();
    expect(result.errors.username).toBeDefined();
  });
  it("rejects out-of-range ports", () => {
    expect(validateCreateConnection({ ...filled, port: "70000" }).errors.port).toBe("Ports run from 1 to 65535.");
  });
});

describe("validateUpdateConnection", () => {
  it("leaves the password out when the box is empty, so the stored one is kept", () => {
    const result = validateUpdateConnection(filled);
    expect(result.isValid && result.input.password).toBeUndefined();
  });
  it("sends clearPassword and never a typed password alongside it", () => {
    const result = validateUpdateConnection({ ...filled, password: "typed", clearPassword: true });
    expect(result.isValid && result.input).toMatchObject({ clearPassword: true, password: undefined });
  });
});

describe("validateTestDraft", () => {
  it("sends the id so the server uses the stored password when the box is empty", () => {
    const result = validateTestDraft(filled, id);
    expect(result.isValid && result.input).toMatchObject({ id, password: undefined, port: 5432 });
  });
  it("tests without any password when the admin is removing it", () => {
    const result = validateTestDraft({ ...filled, clearPassword: true }, id);
    expect(result.isValid && result.input).toMatchObject({ id: undefined, password: undefined });
  });
  it("only checks the fields a test needs", () => {
    const result = validateTestDraft({ ...filled, name: "Not Valid" });
    expect(result.isValid).toBe(true);
  });
});

describe("formValuesFromConnection", () => {
  it("never carries a password into the form", () => {
    const dto: ConnectionDto = {
      id, name: "orders", host: "db", port: 5432, database: "orders", username: "u", sslmode: "require",
      allowedGroups: ["dba", "eng"], description: "", hasPassword: true, allowMd5WithoutTls: false, hasCaCertificate: true, health: null, createdBy: "a@example.com",
      createdAt: "2026-01-01T00:00:00Z", updatedAt: "2026-01-01T00:00:00Z",
    };
    expect(formValuesFromConnection(dto)).toMatchObject({ password: "", port: "5432", allowedGroups: "dba, eng", clearPassword: false });
  });
  it("never carries the CA certificate into the form either (it is write-only)", () => {
    const dto = { id, name: "orders", host: "db", port: 5432, database: "orders", username: "u", sslmode: "verify-full", allowedGroups: [], description: "", hasPassword: true, allowMd5WithoutTls: true, hasCaCertificate: true, health: null, createdBy: "a", createdAt: "", updatedAt: "" } as ConnectionDto;
    expect(formValuesFromConnection(dto)).toMatchObject({ caCertificate: "", clearCaCertificate: false, allowMd5WithoutTls: true });
  });
});

describe("a new connection", () => {
  it("defaults to sslmode require, and no MD5 without TLS", () => {
    expect(NEW_CONNECTION_VALUES).toMatchObject({ sslmode: "require", allowMd5WithoutTls: false });
  });
  it("sends a pasted CA certificate; an empty box keeps the stored one; clearing sends clearCaCertificate", () => {
    const pem = "-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----";
    expect(validateCreateConnection({ ...filled, caCertificate: pem }).isValid && validateCreateConnection({ ...filled, caCertificate: pem })).toMatchObject({ input: { caCertificate: pem } });
    expect(validateUpdateConnection(filled)).toMatchObject({ input: { caCertificate: undefined, clearCaCertificate: undefined } });
    expect(validateUpdateConnection({ ...filled, caCertificate: pem, clearCaCertificate: true })).toMatchObject({ input: { caCertificate: undefined, clearCaCertificate: true } });
  });
});

describe("saving settings without a passing test", () => {
  const passed = { ok: true, serverVersion: "PostgreSQL 18.1", latencyMs: 3, tls: false, authMethod: "scram-sha-256", tlsDetails: null } as const;
  const failed = { ok: false, error: 'Password authentication failed for user "u".', code: "28P01" } as const;

  it("quotes the failed test and asks", () => {
    expect(describeUntestedSave({ result: failed, requestError: null, isTargetEdited: true })).toBe(
      'The last test failed: Password authentication failed for user "u" (28P01). Save anyway?',
    );
    // A failed test of the saved settings asks too, even when only the description changed.
    expect(describeUntestedSave({ result: failed, requestError: null, isTargetEdited: false })).toMatch(/^The last test failed: /);
  });

  it("asks when new settings were never tested, or the test could not run", () => {
    expect(describeUntestedSave({ result: undefined, requestError: null, isTargetEdited: true })).toBe("These settings have not been tested. Save anyway?");
    expect(describeUntestedSave({ result: undefined, requestError: new Error("Network down"), isTargetEdited: false })).toBe("The last test could not run: Network down. Save anyway?");
  });

  it("saves at once after a passing test, or when the server settings are unchanged", () => {
    expect(describeUntestedSave({ result: passed, requestError: null, isTargetEdited: true })).toBeNull();
    expect(describeUntestedSave({ result: undefined, requestError: null, isTargetEdited: false })).toBeNull();
  });
});
