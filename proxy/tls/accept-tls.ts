import type net from "node:net";
import tls from "node:tls";

/**
 * The ALPN protocol name of the PostgreSQL protocol (PostgreSQL 17+):
 * https://www.postgresql.org/docs/current/protocol-flow.html#PROTOCOL-FLOW-SSL
 */
export const POSTGRESQL_ALPN = "postgresql";

export type TlsOutcome = { kind: "secure"; socket: tls.TLSSocket } | { kind: "failed"; reason: string };

/**
 * The server side of a client's TLS handshake on `raw`, which may hold bytes already read (a direct
 * TLS ClientHello peeked at and put back). The gateway offers ALPN `postgresql` only, as PostgreSQL
 * does: a client that offers ALPN without it gets a no_application_protocol alert and the handshake
 * fails; one that offers no ALPN at all gets through (the caller decides whether that is allowed).
 * Never rejects: a handshake that fails or is not done by `deadline` (epoch ms) is `failed`, the TLS
 * layer having told the client what it could, and the socket destroyed.
 */
export function acceptTls(raw: net.Socket, context: tls.SecureContext, deadline: number): Promise<TlsOutcome> {
  return new Promise((resolve) => {
    const secure = new tls.TLSSocket(raw, { isServer: true, secureContext: context, ALPNProtocols: [POSTGRESQL_ALPN] });
    const settle = (outcome: TlsOutcome) => {
      clearTimeout(timer);
      secure.off("error", onError);
      secure.off("close", onClose);
      if (outcome.kind === "failed") secure.destroy();
      // Whoever takes the socket listens for its errors; until then one must not go unheard (it would throw).
      else secure.on("error", () => {});
      resolve(outcome);
    };
    const onError = (err: Error) => settle({ kind: "failed", reason: `TLS handshake failed: ${err.message}` });
    const onClose = () => settle({ kind: "failed", reason: "the client closed the connection during the TLS handshake" });
    const timer = setTimeout(() => settle({ kind: "failed", reason: "the TLS handshake was not done in time" }), Math.max(0, deadline - Date.now()));
    secure.once("secure", () => settle({ kind: "secure", socket: secure }));
    secure.once("error", onError);
    secure.once("close", onClose);
  });
}
