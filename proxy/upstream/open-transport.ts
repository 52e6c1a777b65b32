import net from "node:net";
import tls from "node:tls";
import type { Duplex } from "node:stream";
import { serialize } from "pg-protocol";
import type { SSL_MODES } from "@/drizzle/schema";

export type SslMode = (typeof SSL_MODES)[number];

export type TransportTarget = {
  host: string;
  port: number;
  sslmode: SslMode;
  /** PEM of the CA the server's certificate must chain to (verify-ca, verify-full); the only trust anchor used. */
  caCertificate?: string;
};

/** What the TLS layer gave, for the record and for channel binding. */
export type TlsInfo = {
  version: string;
  cipher: string;
  /** The certificate chained to the stored CA (and, for verify-full, named the host). */
  isVerified: boolean;
  /** The server's certificate (DER), for SCRAM-SHA-256-PLUS's tls-server-end-point binding. */
  peerCertificate: Buffer | null;
};

export type Transport = { socket: Duplex; isTls: boolean; tls: TlsInfo | null };

/**
 * A failure to reach the upstream server, worded for the person at the client. `sqlState`: 08001
 * (sqlclient_unable_to_establish_sqlconnection) when no connection could be made, 08006
 * (connection_failure) when the server dropped one it had accepted.
 */
export class UpstreamUnreachable extends Error {
  override name = "UpstreamUnreachable";
  constructor(
    message: string,
    readonly sqlState: "08001" | "08006" = "08001",
  ) {
    super(message);
  }
}

/**
 * Opens a connection to a PostgreSQL server with libpq's sslmode semantics: `disable` plain;
 * `prefer` TLS when the server offers it; `require` TLS without checking the certificate;
 * `verify-ca` TLS with a trusted chain; `verify-full` also checks the host name.
 * https://www.postgresql.org/docs/current/libpq-ssl.html#LIBPQ-SSL-SSLMODE-STATEMENTS
 */
export async function openTransport(target: TransportTarget, timeoutMs: number): Promise<Transport> {
  const verify = target.sslmode === "verify-ca" || target.sslmode === "verify-full";
  // Checked before connecting: without a stored CA there is nothing to verify against, and the
  // system's public CAs are not a trust anchor for a private database server.
  if (verify && !target.caCertificate) throw new UpstreamUnreachable(`sslmode=${target.sslmode} needs the CA certificate stored on the connection, and none is stored`);
  const raw = await connectTcp(target, timeoutMs);
  if (target.sslmode === "disable") return { socket: raw, isTls: false, tls: null };
  try {
    const answer = await requestSsl(raw, timeoutMs);
    if (answer === "N") {
      if (target.sslmode === "prefer") return { socket: raw, isTls: false, tls: null };
      throw new UpstreamUnreachable(`sslmode=${target.sslmode} needs TLS, but ${target.host}:${target.port} does not support SSL connections`);
    }
    const secure = await startTls(raw, target, timeoutMs);
    const peer = secure.getPeerCertificate();
    return {
      socket: secure,
      isTls: true,
      tls: { version: secure.getProtocol() ?? "unknown", cipher: secure.getCipher()?.name ?? "unknown", isVerified: verify && secure.authorized, peerCertificate: peer?.raw ?? null },
    };
  } catch (err) {
    raw.destroy();
    throw err;
  }
}

function connectTcp(target: TransportTarget, timeoutMs: number): Promise<net.Socket> {
  return new Promise((resolve, reject) => {
    const socket = net.connect({ host: target.host, port: target.port });
    const timer = setTimeout(() => {
      socket.destroy();
      reject(new UpstreamUnreachable(`timed out connecting to ${target.host}:${target.port}`));
    }, timeoutMs);
    socket.once("connect", () => {
      clearTimeout(timer);
      socket.setNoDelay(true);
      socket.setKeepAlive(true, 60_000);
      socket.removeAllListeners("error");
      resolve(socket);
    });
    socket.once("error", (err: NodeJS.ErrnoException) => {
      clearTimeout(timer);
      reject(new UpstreamUnreachable(describeSocketError(err, target)));
    });
  });
}

/** SSLRequest: the server answers one byte, 'S' or 'N'. https://www.postgresql.org/docs/current/protocol-flow.html#PROTOCOL-FLOW-SSL */
function requestSsl(socket: net.Socket, timeoutMs: number): Promise<"S" | "N"> {
  return new Promise((resolve, reject) => {
    const cleanup = () => {
      clearTimeout(timer);
      socket.off("data", onData);
      socket.off("error", onError);
      socket.off("close", onClose);
    };
    const onData = (chunk: Buffer) => {
      cleanup();
      socket.pause();
      const answer = String.fromCharCode(chunk[0]);
      // Bytes after the answer would have been sent in the clear (CVE-2021-23222).
      if (chunk.length > 1 || (answer !== "S" && answer !== "N")) return reject(new UpstreamUnreachable("the server answered SSLRequest with unexpected data"));
      resolve(answer);
    };
    const onError = (err: Error) => {
      cleanup();
      reject(new UpstreamUnreachable(`the connection failed during the TLS request: ${err.message}`, "08006"));
    };
    const onClose = () => {
      cleanup();
      reject(new UpstreamUnreachable("the server closed the connection during the TLS request", "08006"));
    };
    const timer = setTimeout(() => {
      cleanup();
      reject(new UpstreamUnreachable("timed out waiting for the answer to SSLRequest"));
    }, timeoutMs);
    socket.on("data", onData);
    socket.once("error", onError);
    socket.once("close", onClose);
    socket.write(serialize.requestSsl());
  });
}

function startTls(socket: net.Socket, target: TransportTarget, timeoutMs: number): Promise<tls.TLSSocket> {
  const verify = target.sslmode === "verify-ca" || target.sslmode === "verify-full";
  return new Promise((resolve, reject) => {
    const secure = tls.connect({
      socket,
      servername: net.isIP(target.host) ? undefined : target.host,
      rejectUnauthorized: verify,
      // The stored CA replaces the system's list: only it is trusted for this connection.
      ...(verify ? { ca: target.caCertificate } : {}),
      // verify-ca trusts the chain without matching the host name.
      checkServerIdentity: target.sslmode === "verify-full" ? tls.checkServerIdentity : () => undefined,
    });
    const timer = setTimeout(() => {
      secure.destroy();
      reject(new UpstreamUnreachable("timed out during the TLS handshake"));
    }, timeoutMs);
    secure.once("secureConnect", () => {
      clearTimeout(timer);
      secure.removeAllListeners("error");
      resolve(secure);
    });
    secure.once("error", (err) => {
      clearTimeout(timer);
      reject(new UpstreamUnreachable(`TLS with ${target.host}:${target.port} failed (sslmode=${target.sslmode}): ${err.message}`));
    });
  });
}

function describeSocketError(err: NodeJS.ErrnoException, t: TransportTarget): string {
  switch (err.code) {
    case "ECONNREFUSED":
      return `connection refused by ${t.host}:${t.port}`;
    case "ENOTFOUND":
    case "EAI_AGAIN":
      return `host "${t.host}" could not be resolved`;
    case "ETIMEDOUT":
      return `timed out connecting to ${t.host}:${t.port}`;
    default:
      return `${t.host}:${t.port}: ${err.message}`;
  }
}
