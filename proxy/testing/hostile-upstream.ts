import { createHash, createHmac, pbkdf2Sync, randomBytes, X509Certificate } from "node:crypto";
import net from "node:net";
import type { Duplex } from "node:stream";
import tls from "node:tls";
import { tlsServerEndPoint } from "../upstream/channel-binding";
import { createSelfSignedCertificate } from "../tls/self-signed-certificate";

/**
 * A small, hostile stand-in for an upstream PostgreSQL server, for attack tests of the gateway's
 * own sign-in: it speaks just enough of the protocol (SSLRequest, StartupMessage, the
 * authentication requests) to ask for the password the way an attacker in the middle would, and
 * records every byte the client sends after the startup packet, so a test can prove the password
 * never arrived.
 * https://www.postgresql.org/docs/current/protocol-flow.html#PROTOCOL-FLOW-START-UP
 */
export type HostileBehaviour =
  | { kind: "cleartext" }
  | { kind: "md5" }
  | {
      kind: "scram";
      /** Mechanisms listed in AuthenticationSASL. */
      mechanisms: readonly string[];
      iterations?: number;
      /** "skip": AuthenticationOk right after the client's proof, without AuthenticationSASLFinal. */
      final?: "valid" | "skip" | "wrong-signature";
      /** Salt and iteration count sent as they are (for malformed-message tests). */
      rawServerFirst?: (clientNonce: string) => string;
    };

export type HostileUpstream = {
  port: number;
  /** Every byte the client sent after its StartupMessage (the TLS layer's plaintext when TLS is on). */
  received(): Buffer;
  /** What happened, in order: "tls", "startup", "sasl-initial:<mechanism>", "sasl-continue-sent", "sasl-response", "password", "ok"... */
  events: string[];
  /** The gs2 header the client chose in its SASLInitialResponse ("n", "y" or "p=tls-server-end-point"). */
  gs2Header(): string | null;
  /** Whether the client's channel-binding data matched the certificate this server presented. */
  isChannelBindingCorrect(): boolean | null;
  /** The server's certificate (PEM), to store as a connection's CA. */
  certPem: string;
  close(): Promise<void>;
};

export async function startHostileUpstream(opts: { password: string; tls: boolean; behaviour: HostileBehaviour; certificate?: { certPem: string; keyPem: string } }): Promise<HostileUpstream> {
  const certificate = opts.certificate ?? createSelfSignedCertificate({ commonName: "hostile upstream" });
  const sockets = new Set<net.Socket>();
  let received = Buffer.alloc(0);
  const events: string[] = [];
  let gs2: string | null = null;
  let bindingCorrect: boolean | null = null;

  const server = net.createServer((raw) => {
    sockets.add(raw);
    raw.on("close", () => sockets.delete(raw));
    raw.on("error", () => {});
    raw.once("data", (first) => {
      // SSLRequest: length 8, code 80877103.
      if (first.length === 8 && first.readInt32BE(4) === 80877103) {
        if (!opts.tls) {
          raw.write("N");
          raw.once("data", (startup) => speak(raw, startup, null));
          return;
        }
        raw.write("S");
        const secure = new tls.TLSSocket(raw, { isServer: true, cert: certificate.certPem, key: certificate.keyPem });
        secure.on("error", () => {});
        secure.once("secure", () => {
          events.push("tls");
          secure.once("data", (startup) => speak(secure, startup, Buffer.from(new X509Certificate(certificate.certPem).raw)));
        });
        return;
      }
      speak(raw, first, null);
    });
  });

  function speak(socket: Duplex, startup: Buffer, certDer: Buffer | null) {
    events.push("startup");
    let pending = startup.subarray(startup.readInt32BE(0));
    const b = opts.behaviour;
    let scram: { clientFirstBare: string; serverFirst: string; salted: Buffer; nonce: string } | null = null;
    const onMessage = (code: string, body: Buffer) => {
      if (code === "p" && b.kind !== "scram") {
        events.push("password");
        finish();
      } else if (code === "p" && b.kind === "scram" && !scram) {
        // SASLInitialResponse: mechanism\0, int32 length, data.
        const nul = body.indexOf(0);
        const mechanism = body.toString("utf8", 0, nul);
        const data = body.toString("utf8", nul + 5);
        events.push(`sasl-initial:${mechanism}`);
        const [header, , ...bare] = data.split(",");
        gs2 = header;
        const clientFirstBare = bare.join(",");
        const clientNonce = /r=([^,]*)/.exec(clientFirstBare)?.[1] ?? "";
        const nonce = clientNonce + randomBytes(18).toString("base64");
        const salt = randomBytes(16);
        const iterations = b.iterations ?? 4096;
        const serverFirst = b.rawServerFirst?.(clientNonce) ?? `r=${nonce},s=${salt.toString("base64")},i=${iterations}`;
        const salted = b.rawServerFirst ? Buffer.alloc(32) : pbkdf2Sync(opts.password, salt, iterations, 32, "sha256");
        scram = { clientFirstBare, serverFirst, salted, nonce };
        socket.write(authRequest(11, Buffer.from(serverFirst)));
        events.push("sasl-continue-sent");
      } else if (code === "p" && b.kind === "scram" && scram) {
        events.push("sasl-response");
        const clientFinal = body.toString("utf8");
        const withoutProof = clientFinal.slice(0, clientFinal.lastIndexOf(",p="));
        const cb = Buffer.from(/^c=([^,]*)/.exec(withoutProof)?.[1] ?? "", "base64");
        if (gs2?.startsWith("p=") && certDer) {
          bindingCorrect = cb.equals(Buffer.concat([Buffer.from(`${gs2},,`), tlsServerEndPoint(certDer)]));
        }
        const authMessage = `${scram.clientFirstBare},${scram.serverFirst},${withoutProof}`;
        const serverKey = createHmac("sha256", scram.salted).update("Server Key").digest();
        let signature = createHmac("sha256", serverKey).update(authMessage).digest();
        if (b.final === "wrong-signature") signature = createHash("sha256").update(signature).digest();
        if (b.final !== "skip") socket.write(authRequest(12, Buffer.from(`v=${signature.toString("base64")}`)));
        finish();
      }
    };
    const finish = () => {
      events.push("ok");
      socket.write(authRequest(0, Buffer.alloc(0)));
      socket.write(parameterStatus("standard_conforming_strings", "on"));
      socket.write(parameterStatus("client_encoding", "UTF8"));
      socket.write(parameterStatus("server_version", "17.0"));
      socket.write(Buffer.from([0x4b, 0, 0, 0, 12, 0, 0, 0, 1, 0, 0, 0, 2]));
      socket.write(Buffer.from([0x5a, 0, 0, 0, 5, 0x49]));
    };
    const onData = (chunk: Buffer) => {
      received = Buffer.concat([received, chunk]);
      pending = Buffer.concat([pending, chunk]);
      while (pending.length >= 5 && pending.length >= 1 + pending.readInt32BE(1)) {
        const len = pending.readInt32BE(1);
        const code = String.fromCharCode(pending[0]);
        const body = pending.subarray(5, 1 + len);
        pending = pending.subarray(1 + len);
        onMessage(code, body);
      }
    };
    socket.on("data", onData);
    if (b.kind === "cleartext") socket.write(authRequest(3, Buffer.alloc(0)));
    else if (b.kind === "md5") socket.write(authRequest(5, randomBytes(4)));
    else socket.write(authRequest(10, Buffer.from(b.mechanisms.map((m) => `${m}\0`).join("") + "\0")));
  }

  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return {
    port: (server.address() as net.AddressInfo).port,
    received: () => received,
    events,
    gs2Header: () => gs2,
    isChannelBindingCorrect: () => bindingCorrect,
    certPem: certificate.certPem,
    close: async () => {
      for (const s of sockets) s.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

function authRequest(kind: number, data: Buffer): Buffer {
  const out = Buffer.alloc(9 + data.length);
  out[0] = 0x52;
  out.writeInt32BE(8 + data.length, 1);
  out.writeInt32BE(kind, 5);
  data.copy(out, 9);
  return out;
}

function parameterStatus(name: string, value: string): Buffer {
  return frame(0x53, Buffer.from(`${name}\0${value}\0`));
}

function frame(code: number, body: Buffer): Buffer {
  const out = Buffer.alloc(5 + body.length);
  out[0] = code;
  out.writeInt32BE(4 + body.length, 1);
  body.copy(out, 5);
  return out;
}
