import net from "node:net";
import { serialize } from "pg-protocol";
import type { BackendMessage } from "pg-protocol/dist/messages";
import { decodeBackendFrame } from "../protocol/backend-decoders";
import { FrameReader } from "../protocol/frame-reader";
import { startupMessage } from "../protocol/frontend-serializers";
import { ProtocolVersion } from "../protocol/message-codes";

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

  static connect(port: number): Promise<RawClient> {
    return new Promise((resolve, reject) => {
      const socket = net.connect({ host: "127.0.0.1", port }, () => resolve(new RawClient(socket)));
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

  send(...frames: Buffer[]): void {
    this.socket.write(Buffer.concat(frames));
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
export const types = (ms: RawMessage[]) => ms.map((m) => m.type).join("");
