import { describe, expect, it } from "vitest";
import { createScramClient } from "./scram-client";

describe("SCRAM-SHA-256 client", () => {
  // RFC 7677, section 3.
  const serverFirst = "r=rOprNGfwEbeRWgbNEkqO%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0,s=W22ZaJ0SNY7soEsUEjb6gQ==,i=4096";

  it("computes the RFC 7677 proof and accepts the server signature", () => {
    const c = createScramClient("pencil", { nonce: "rOprNGfwEbeRWgbNEkqO", user: "user" });
    expect(c.clientFirst()).toBe("n,,n=user,r=rOprNGfwEbeRWgbNEkqO");
    expect(c.clientFinal(serverFirst)).toBe(
      "c=biws,r=rOprNGfwEbeRWgbNEkqO%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0,p=dHzbZapWIk4jUhN+Ute9ytag9zjfMHgsqmmiz7AndVQ=",
    );
    expect(() => c.verifyServerFinal("v=6rriTRBi23WpRR/wtup+mMhUZUn/dB5nLTJRsjl95G4=")).not.toThrow();
  });

  it("rejects a wrong server signature and a nonce that does not extend ours", () => {
    const c = createScramClient("pencil", { nonce: "rOprNGfwEbeRWgbNEkqO", user: "user" });
    c.clientFinal(serverFirst);
    expect(() => c.verifyServerFinal("v=AAAATRBi23WpRR/wtup+mMhUZUn/dB5nLTJRsjl95G4=")).toThrow(/signature/);
    const d = createScramClient("pencil", { nonce: "abc" });
    expect(() => d.clientFinal("r=xyz123,s=W22ZaJ0SNY7soEsUEjb6gQ==,i=4096")).toThrow(/nonce/);
  });
});
