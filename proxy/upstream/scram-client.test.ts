import { describe, expect, it } from "vitest";
import { chooseScramMechanism, createScramClient, ScramError, ScramMechanism } from "./scram-client";

describe("SCRAM-SHA-256 client", () => {
  // RFC 7677, section 3.
  const serverFirst = "r=rOprNGfwEbeRWgbNEkqO%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0,s=W22ZaJ0SNY7soEsUEjb6gQ==,i=4096";

  it("computes the RFC 7677 proof and accepts the server signature", async () => {
    const c = createScramClient("pencil", { nonce: "rOprNGfwEbeRWgbNEkqO", user: "user" });
    expect(c.clientFirst()).toBe("n,,n=user,r=rOprNGfwEbeRWgbNEkqO");
    expect(await c.clientFinal(serverFirst)).toBe(
      "c=biws,r=rOprNGfwEbeRWgbNEkqO%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0,p=dHzbZapWIk4jUhN+Ute9ytag9zjfMHgsqmmiz7AndVQ=",
    );
    expect(c.isServerVerified).toBe(false);
    expect(() => c.verifyServerFinal("v=6rriTRBi23WpRR/wtup+mMhUZUn/dB5nLTJRsjl95G4=")).not.toThrow();
    expect(c.isServerVerified).toBe(true);
  });

  it("rejects a wrong, short or missing server signature, and a nonce that does not extend ours", async () => {
    const c = createScramClient("pencil", { nonce: "rOprNGfwEbeRWgbNEkqO", user: "user" });
    await c.clientFinal(serverFirst);
    for (const final of ["v=AAAATRBi23WpRR/wtup+mMhUZUn/dB5nLTJRsjl95G4=", "v=6rriTRBi23WpRR/wtup+mMhUZUn/dB5n", "v=", "x=1"]) {
      expect(() => c.verifyServerFinal(final)).toThrow(/signature/);
    }
    expect(c.isServerVerified).toBe(false);
    const d = createScramClient("pencil", { nonce: "abc" });
    await expect(d.clientFinal("r=xyz123,s=W22ZaJ0SNY7soEsUEjb6gQ==,i=4096")).rejects.toThrow(/nonce/);
  });

  it("refuses a server-final before the proof, an error attribute, and absurd iteration counts", async () => {
    const c = createScramClient("pencil", { nonce: "abc" });
    expect(() => c.verifyServerFinal("v=6rriTRBi23WpRR/wtup+mMhUZUn/dB5nLTJRsjl95G4=")).toThrow(ScramError);
    expect(() => c.verifyServerFinal("e=invalid-proof")).toThrow(/invalid-proof/);
    await expect(c.clientFinal("r=abcdef,s=AAAA,i=4294967296")).rejects.toMatchObject({ sqlState: "08P01" });
    await expect(c.clientFinal("r=abcdef,s=AAAA,i=0")).rejects.toMatchObject({ sqlState: "08P01" });
  });

  it("with channel binding, sends p=tls-server-end-point and binds the certificate hash into the proof", async () => {
    const binding = Buffer.alloc(32, 7);
    const plus = createScramClient("pencil", { mechanism: ScramMechanism.Sha256Plus, channelBinding: binding, nonce: "rOprNGfwEbeRWgbNEkqO" });
    expect(plus.clientFirst()).toBe("p=tls-server-end-point,,n=*,r=rOprNGfwEbeRWgbNEkqO");
    const final = await plus.clientFinal(serverFirst);
    const c = /^c=([^,]*)/.exec(final)![1];
    expect(Buffer.from(c, "base64")).toEqual(Buffer.concat([Buffer.from("p=tls-server-end-point,,"), binding]));
    // Another certificate gives another proof: a man in the middle cannot relay it.
    const other = createScramClient("pencil", { mechanism: ScramMechanism.Sha256Plus, channelBinding: Buffer.alloc(32, 8), nonce: "rOprNGfwEbeRWgbNEkqO" });
    expect((await other.clientFinal(serverFirst)).split(",p=")[1]).not.toBe(final.split(",p=")[1]);
    expect(() => createScramClient("pencil", { mechanism: ScramMechanism.Sha256Plus })).toThrow(ScramError);
  });

  it("over TLS without PLUS says 'y' (could bind), without TLS 'n'", () => {
    expect(createScramClient("p", { isTls: true, nonce: "a" }).clientFirst()).toBe("y,,n=*,r=a");
    expect(createScramClient("p", { isTls: false, nonce: "a" }).clientFirst()).toBe("n,,n=*,r=a");
  });

  it("chooses PLUS whenever TLS is on and it is offered, never falls back to plain then, and never PLUS without TLS", () => {
    expect(chooseScramMechanism(["SCRAM-SHA-256", "SCRAM-SHA-256-PLUS"], true)).toBe("SCRAM-SHA-256-PLUS");
    expect(chooseScramMechanism(["SCRAM-SHA-256-PLUS", "SCRAM-SHA-256"], false)).toBe("SCRAM-SHA-256");
    expect(chooseScramMechanism(["SCRAM-SHA-256"], true)).toBe("SCRAM-SHA-256");
    expect(() => chooseScramMechanism(["SCRAM-SHA-256-PLUS"], false)).toThrow(/needs TLS/);
    expect(() => chooseScramMechanism(["OAUTHBEARER"], true)).toThrow(ScramError);
  });
});
