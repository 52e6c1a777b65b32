import { describe, expect, it } from "vitest";
import { findPrivateKeys } from "./private-key";

const found = (text: string) => findPrivateKeys(text).map((s) => text.slice(s.start, s.end));
const pem = (label: string, body = "MIIBOgIBAAJBAKj34GkxFhD90vcNLYLInFEX6Ppy1tPf9Cnzj4p4WGeKLs1Pt8Qu\nKUpRKfFLfRYC9AIKjbJTWit+CqvjWYzvQwECAwEAAQ==") =>
  `-----BEGIN ${label}PRIVATE KEY-----\n${body}\n-----END ${label}PRIVATE KEY-----`;

describe("private key detector", () => {
  it("finds PEM private keys of every kind, from BEGIN to END", () => {
    for (const label of ["", "RSA ", "EC ", "DSA ", "OPENSSH ", "ENCRYPTED "]) {
      expect(found(`key:\n${pem(label)}\nrest`)).toEqual([pem(label)]);
    }
    const pgp = "-----BEGIN PGP PRIVATE KEY BLOCK-----\n\nlQOYBF\n-----END PGP PRIVATE KEY BLOCK-----";
    expect(found(pgp)).toEqual([pgp]);
  });

  it("finds keys whose newlines are JSON-escaped, and each of several", () => {
    const escaped = "-----BEGIN PRIVATE KEY-----\\nMIIEvQ\\n-----END PRIVATE KEY-----";
    expect(found(`{"k":"${escaped}\\n"}`)).toEqual([escaped]);
    expect(found(`${pem("RSA ")} and ${pem("EC ")}`)).toEqual([pem("RSA "), pem("EC ")]);
  });

  it("masks a truncated key to the end of the text", () => {
    const truncated = "-----BEGIN RSA PRIVATE KEY-----\nMIIBOgIBAAJBAKj34GkxFhD90vcN";
    expect(found(`x ${truncated}`)).toEqual([truncated]);
  });

  it("does not take public keys or certificates for private keys", () => {
    expect(found("-----BEGIN PUBLIC KEY-----\nMFwwDQYJ\n-----END PUBLIC KEY-----")).toEqual([]);
    expect(found("-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----")).toEqual([]);
    expect(found("the words private key in a sentence")).toEqual([]);
  });
});
