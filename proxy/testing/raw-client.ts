import net from "node:net";
import { serialize } from "pg-protocol";
import type { BackendMessage } from "pg-protocol/dist/messages";
import { decodeBackendFrame } from "../protocol/backend-decoders";
import { FrameReader } from "../protocol/frame-reader";
import { saslResponse, startupMessage } from "../protocol/frontend-serializers";
import { AuthRequest, ProtocolVersion } from "../protocol/message-codes";
import { createScramClient, ScramMechanism } from "../upstream/scram-client";

export type RawMessage = { type: string; frame: Buffer; decoded?: BackendMessage & Record<string, unknown> };

/**
 * A protocol-level test client: writes frontend messages as given and collects every backend
 * message, so tests can pipeline, send odd or broken frames, and check the exact answers.
 */
export class RawClient {
  private messages: RawMessage[] = [];
  private waiters: (() => void)[] = [];
  isClosed = false;
  private readonly reader = new FrameReader({ maxMessageBytes: 1 << 30 });

  private constructor(readonly socket: net.Socket) {
    socket.on("data", (chunk) => {
      this.reader.push(chunk, (code, frame) => {
        const type = String.fromCharCode(code);
        let decoded: RawMessage["decoded"];
        if (type !== "v" && type !== "K") decoded = decodeBackendFrame(frame) as RawMessage["decoded"];
        this.messages.push({ type, frame, decoded });
      });
      this.wake();
    });
    socket.on("close", () => {
      this.isClosed = true;
      this.wake();
    });
    socket.on("error", () => {});
  }

  /** A client over a socket already connected (a TLS one, say). */
  static over(socket: net.Socket): RawClient {
    return new RawClient(socket);
  }

  static connect(port: number, host = "127.0.0.1"): Promise<RawClient> {
    return new Promise((resolve, reject) => {
      const socket = net.connect({ host, port }, () => resolve(new RawClient(socket)));
      socket.once("error", reject);
    });
  }

  /** Connects and signs in; returns the messages up to the first ReadyForQuery. */
  static async signIn(port: number, user: string, database: string, password: string, version: number = ProtocolVersion.V3_0, extra: Record<string, string> = {}) {
    const c = await RawClient.connect(port);
    c.send(startupMessage(version, { user, database, ...extra }));
    const before = await c.until((m) => m.type === "R" || m.type === "E");
    c.send(serialize.password(password));
    const startup = [...before, ...(await c.until((m) => m.type === "Z" || m.type === "E"))];
    return { client: c, startup };
  }

  /**
   * Connects straight to a PostgreSQL server (no gateway) and signs in with SCRAM-SHA-256 or no
   * password, so a test can send the same messages to the server directly and compare.
   */
  static async signInDirect(url: string, extra: Record<string, string> = {}) {
    const u = new URL(url);
    const c = await RawClient.connect(Number(u.port || 5432), u.hostname === "localhost" ? "127.0.0.1" : u.hostname);
    const user = decodeURIComponent(u.username);
    const password = decodeURIComponent(u.password);
    c.send(startupMessage(ProtocolVersion.V3_0, { user, database: decodeURIComponent(u.pathname.slice(1)), ...extra }));
    const scram = createScramClient(password);
    for (;;) {
      const [m] = (await c.until((x) => x.type === "R" || x.type === "E")).slice(-1);
      if (!m || m.type === "E") throw new Error(`direct sign-in refused: ${String(m?.decoded?.message ?? "connection closed")}`);
      const kind = m.frame.readInt32BE(5);
      if (kind === AuthRequest.Ok) break;
      if (kind === AuthRequest.SASL) c.send(serialize.sendSASLInitialResponseMessage(ScramMechanism.Sha256, scram.clientFirst()));
      else if (kind === AuthRequest.SASLContinue) c.send(saslResponse(await scram.clientFinal(m.frame.toString("utf8", 9))));
      else if (kind === AuthRequest.SASLFinal) scram.verifyServerFinal(m.frame.toString("utf8", 9));
      else throw new Error(`direct sign-in: unsupported authentication request ${kind}`);
    }
    const startup = await c.until((m) => m.type === "Z" || m.type === "E");
    if (startup.at(-1)?.type !== "Z") throw new Error("direct sign-in failed after authentication");
    return { client: c, startup };
  }

  send(...frames: Buffer[]): void {
    this.socket.write(Buffer.concat(frames));
  }

  /** Messages received so far and not yet taken, left in place. */
  peek(): readonly RawMessage[] {
    return this.messages;
  }

  /** Messages received so far and not yet taken. */
  take(): RawMessage[] {
    const m = this.messages;
    this.messages = [];
    return m;
  }

  /** Waits for a message matching `done` (or the connection closing); returns everything up to it. */
  async until(done: (m: RawMessage) => boolean, timeoutMs = 10_000): Promise<RawMessage[]> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const i = this.messages.findIndex(done);
      if (i >= 0) return this.messages.splice(0, i + 1);
      if (this.isClosed) return this.take();
      if (Date.now() > deadline) throw new Error(`timed out; got ${this.messages.map((m) => m.type).join("")}`);
      await new Promise<void>((r) => {
        const t = setTimeout(r, Math.max(0, deadline - Date.now()));
        this.waiters.push(() => {
          clearTimeout(t);
          r();
        });
      });
    }
  }

  /** Waits until `n` messages matching `match` have arrived; returns everything up to the n-th (long pipelines). */
  async untilCount(match: (m: RawMessage) => boolean, n: number, timeoutMs = 10_000): Promise<RawMessage[]> {
    const deadline = Date.now() + timeoutMs;
    let scanned = 0;
    let seen = 0;
    for (;;) {
      for (; scanned < this.messages.length; scanned++) {
        if (match(this.messages[scanned]) && ++seen === n) return this.messages.splice(0, scanned + 1);
      }
      if (this.isClosed) return this.take();
      if (Date.now() > deadline) throw new Error(`timed out after ${seen} of ${n} messages`);
      await new Promise<void>((r) => {
        const t = setTimeout(r, Math.max(0, deadline - Date.now()));
        this.waiters.push(() => {
          clearTimeout(t);
          r();
        });
      });
    }
  }

  /** Waits for the n-th ReadyForQuery from now. */
  async readyCount(n: number): Promise<RawMessage[]> {
    const out: RawMessage[] = [];
    for (let i = 0; i < n; i++) out.push(...(await this.until((m) => m.type === "Z")));
    return out;
  }

  close(): void {
    this.socket.destroy();
  }

  private wake() {
    const w = this.waiters;
    this.waiters = [];
    for (const f of w) f();
  }
}

/** "1", "2", "T", "D", "C", "Z" … of a message list, for compact assertions. */
export const types = (ms: readonly RawMessage[]) => ms.map((m) => m.type).join("");

/** The SQLSTATE of an ErrorResponse (or NoticeResponse); undefined for other messages. */
export const sqlStateOf = (m: RawMessage | undefined): string | undefined => (m && (m.type === "E" || m.type === "N") ? String(m.decoded?.code ?? "") : undefined);

/** The tag of a CommandComplete ("DELETE 3"); undefined for other messages. */
export const commandTagOf = (m: RawMessage | undefined): string | undefined => (m?.type === "C" ? String(m.decoded?.text ?? "") : undefined);

/** A DataRow's values as text. */
export const rowOf = (m: RawMessage): (string | null)[] => (m.decoded?.fields as (string | null)[] | undefined) ?? [];
