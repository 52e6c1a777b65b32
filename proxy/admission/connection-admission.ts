import type net from "node:net";
import type { Logger } from "../log";
import type { ConnectionSlots } from "./connection-slots";

const WARN_INTERVAL_MS = 10_000;

/**
 * GATEWAY_MAX_CONNECTIONS at the door. Every accepted connection asks for a place at once, and
 * gives it back when its socket closes. One that gets none is still read up to its startup packet,
 * as PostgreSQL reads it, so TLS negotiation works, a CancelRequest still cancels, and the client
 * is told 53300 "sorry, too many clients already" rather than seeing the socket close. Such
 * connections wait at most the startup deadline; at most `maxWaitingRefusals` of them are kept at
 * once in this worker, and one past that is closed at once, so a flood cannot hold sockets open.
 */
export class ConnectionAdmission {
  private waitingRefusals = 0;
  private lastWarnedAt = 0;

  constructor(
    private readonly slots: ConnectionSlots,
    private readonly maxWaitingRefusals: number,
    private readonly log: Logger,
  ) {}

  /** Whether `socket` has a place; its place, if any, is given back when the socket closes. Never rejects. */
  admit(socket: net.Socket): Promise<boolean> {
    let isClosed = false;
    let holds: "place" | "refusal" | undefined;
    socket.once("close", () => {
      isClosed = true;
      if (holds === "place") this.slots.release();
      else if (holds === "refusal") this.waitingRefusals--;
    });
    return this.slots.take().then((hasPlace) => {
      if (isClosed) {
        if (hasPlace) this.slots.release();
        return hasPlace;
      }
      if (hasPlace) {
        holds = "place";
        return true;
      }
      if (this.waitingRefusals >= this.maxWaitingRefusals) {
        // Once in a while, not per connection: a flood would otherwise fill the log too.
        if (Date.now() - this.lastWarnedAt > WARN_INTERVAL_MS) {
          this.lastWarnedAt = Date.now();
          this.log.warn("connections closed at once: the gateway is full and as many refusals already wait to be sent", { waitingRefusals: this.waitingRefusals });
        }
        socket.destroy();
        return false;
      }
      holds = "refusal";
      this.waitingRefusals++;
      return false;
    });
  }
}
