import type { Duplex } from "node:stream";
import { ClientError } from "./client-error";
import type { FrameReader } from "./frame-reader";
import { SqlState } from "./sql-state";

export type Frame = { code: number; frame: Buffer };

/** No frame came in time: the wait's own limit, or the inbox's deadline, passed. */
export class InboxTimeout extends ClientError {
  override name = "InboxTimeout";
}

/**
 * Awaitable frames from a socket, for the request/response steps before the relay takes over
 * (startup, sign-in, the upstream handshake). `detach()` hands the socket on with any frames that
 * arrived early.
 *
 * `deadline` (epoch ms), when given, bounds every wait on top of its own limit: a client's whole
 * startup (every packet, the TLS handshake, the password) shares one, so re-sending requests cannot
 * keep a connection open that has not signed in.
 */
export class FrameInbox {
  private frames: Frame[] = [];
  private waiter: { resolve: (f: Frame) => void; reject: (e: Error) => void; timer: NodeJS.Timeout } | undefined;
  private failure: Error | undefined;

  constructor(
    private readonly socket: Duplex,
    readonly reader: FrameReader,
    private readonly describeEnd: () => Error,
    private readonly deadline = Number.POSITIVE_INFINITY,
  ) {
    socket.on("data", this.onData);
    socket.on("close", this.onEnd);
    socket.on("end", this.onEnd);
    socket.on("error", this.onError);
  }

  next(timeoutMs: number, what: string): Promise<Frame> {
    const queued = this.frames.shift();
    if (queued) return Promise.resolve(queued);
    if (this.failure) return Promise.reject(this.failure);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.waiter = undefined;
        reject(new InboxTimeout(SqlState.ProtocolViolation, `timed out waiting for ${what}`, "FATAL"));
      }, Math.max(0, Math.min(timeoutMs, this.deadline - Date.now())));
      this.waiter = { resolve, reject, timer };
    });
  }

  /** Stops listening; returns frames that arrived but were not asked for yet. */
  detach(): Frame[] {
    this.socket.pause();
    this.socket.off("data", this.onData);
    this.socket.off("close", this.onEnd);
    this.socket.off("end", this.onEnd);
    this.socket.off("error", this.onError);
    if (this.waiter) clearTimeout(this.waiter.timer);
    this.waiter = undefined;
    const rest = this.frames;
    this.frames = [];
    return rest;
  }

  private onData = (chunk: Buffer) => {
    try {
      this.reader.push(chunk, (code, frame) => this.deliver({ code, frame }));
    } catch (err) {
      this.fail(err as Error);
    }
  };

  private deliver(f: Frame) {
    if (this.waiter) {
      const w = this.waiter;
      this.waiter = undefined;
      clearTimeout(w.timer);
      w.resolve(f);
    } else {
      this.frames.push(f);
    }
  }

  private onEnd = () => this.fail(this.describeEnd());
  private onError = (err: Error) => this.fail(err);

  private fail(err: Error) {
    this.failure ??= err;
    this.reader.stop();
    if (this.waiter) {
      const w = this.waiter;
      this.waiter = undefined;
      clearTimeout(w.timer);
      w.reject(this.failure);
    }
  }
}
