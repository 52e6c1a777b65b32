import { describe, expect, it } from "vitest";
import { readingChange, readingChangedError, readOnlyChange, readOnlyTurnedOff, readOnlyTurnedOffError } from "./reading-guard";

/** A ParameterStatus ('S') as PostgreSQL sends it: name and value, zero-terminated. */
function parameterStatus(name: string, value: string): Buffer {
  const body = Buffer.from(`${name}\0${value}\0`, "utf8");
  const header = Buffer.alloc(5);
  header[0] = 0x53;
  header.writeInt32BE(body.length + 4, 1);
  return Buffer.concat([header, body]);
}

describe("reading guard", () => {
  it("a reported ASCII-unsafe client_encoding or standard_conforming_strings off is a change of reading", () => {
    for (const value of ["SJIS", "BIG5", "GBK", "UHC", "GB18030", "JOHAB", "SHIFT_JIS_2004"]) {
      expect(readingChange(parameterStatus("client_encoding", value)), value).toMatchObject({ name: "client_encoding", value, reason: expect.stringContaining("can hide ASCII characters") });
    }
    expect(readingChange(parameterStatus("standard_conforming_strings", "off"))).toMatchObject({ name: "standard_conforming_strings", value: "off", reason: expect.stringContaining("backslashes") });
  });

  it("ASCII-safe encodings, standard_conforming_strings on and other settings keep the session", () => {
    for (const value of ["UTF8", "LATIN1", "WIN1252", "EUC_JP", "SQL_ASCII", "KOI8R"]) expect(readingChange(parameterStatus("client_encoding", value)), value).toBeNull();
    expect(readingChange(parameterStatus("standard_conforming_strings", "on"))).toBeNull();
    expect(readingChange(parameterStatus("DateStyle", "ISO, MDY"))).toBeNull();
    expect(readingChange(parameterStatus("application_name", "SJIS"))).toBeNull();
  });

  it("a message without its terminators is not read as a change", () => {
    const whole = parameterStatus("client_encoding", "SJIS");
    expect(readingChange(whole.subarray(0, whole.length - 1))).toBeNull();
    expect(readingChange(whole.subarray(0, 10))).toBeNull();
  });

  it("the client's FATAL names the setting, its value and why", () => {
    const e = readingChangedError(readingChange(parameterStatus("client_encoding", "SJIS"))!);
    expect(e).toMatchObject({ severity: "FATAL", sqlState: "0A000" });
    expect(e.message).toBe(
      "Warden ended this session because the server changed client_encoding to SJIS: client_encoding SJIS can hide ASCII characters inside multibyte ones, so PostgreSQL would read statements differently from Warden",
    );
  });
});

describe("read-only guard", () => {
  it("default_transaction_read_only reported as anything but on is read-only turned off", () => {
    for (const value of ["off", "false", "0", "no", "f", "OFF"]) expect(readOnlyChange(parameterStatus("default_transaction_read_only", value)), value).toEqual({ name: "default_transaction_read_only", value });
    for (const value of ["on", "true", "1", "yes", "ON"]) expect(readOnlyChange(parameterStatus("default_transaction_read_only", value)), value).toBeNull();
    expect(readOnlyChange(parameterStatus("transaction_read_only", "off"))).toBeNull();
    expect(readOnlyChange(parameterStatus("application_name", "off"))).toBeNull();
    expect(readOnlyTurnedOff(undefined)).toBeNull();
    expect(readOnlyTurnedOff("off")).toEqual({ name: "default_transaction_read_only", value: "off" });
  });

  it("ends the session with a FATAL 25006 that says why", () => {
    const e = readOnlyTurnedOffError({ name: "default_transaction_read_only", value: "off" });
    expect(e).toMatchObject({ sqlState: "25006", severity: "FATAL", message: "Warden ended this read-only session because the server turned default_transaction_read_only off" });
  });
});
