import { describe, expect, it } from "vitest";
import { SSL_MODES } from "./contracts/connections";
import { credentialExposureWarning, isVerifiedTls, judgePasswordChallenge, PasswordChallenge } from "./upstream-credential";

describe("when the stored password may go to the server", () => {
  it("cleartext only inside TLS, whatever the opt-in", () => {
    expect(judgePasswordChallenge(PasswordChallenge.Cleartext, { isTls: false, allowMd5WithoutTls: true })).toMatchObject({ ok: false });
    expect(judgePasswordChallenge(PasswordChallenge.Cleartext, { isTls: true, allowMd5WithoutTls: false })).toEqual({ ok: true, method: "cleartext-over-tls" });
  });

  it("MD5 inside TLS, or without it only by opt-in", () => {
    expect(judgePasswordChallenge(PasswordChallenge.Md5, { isTls: false, allowMd5WithoutTls: false })).toMatchObject({ ok: false, reason: expect.stringMatching(/MD5/) });
    expect(judgePasswordChallenge(PasswordChallenge.Md5, { isTls: false, allowMd5WithoutTls: true })).toEqual({ ok: true, method: "md5-without-tls" });
    expect(judgePasswordChallenge(PasswordChallenge.Md5, { isTls: true, allowMd5WithoutTls: false })).toEqual({ ok: true, method: "md5" });
  });

  it("warns on every sslmode that does not verify the server, and only on those", () => {
    for (const mode of SSL_MODES) expect(credentialExposureWarning({ sslmode: mode }) === null).toBe(isVerifiedTls(mode));
    expect(credentialExposureWarning({ sslmode: "disable", allowMd5WithoutTls: true })).toMatch(/MD5/);
  });
});
