/**
 * The process ids clients know upstream backends by. The gateway gives each client a BackendKeyData
 * of its own (cancel-registry.ts), never the upstream backend's; so a NotificationResponse, which
 * names the sending backend's process id, must name the same stand-in: applications that ignore
 * their own notifications (with pgjdbc, psycopg, asyncpg, node-postgres) compare the two. Backends
 * of this worker's other sessions get their clients' stand-ins as well, so a listener sees another
 * Warden session's notifications under the id that session's client knows. Any other backend
 * (direct connections, other workers' sessions) keeps its real process id, except one that would
 * equal this client's own stand-in: it would pass for the client's own notification.
 * https://www.postgresql.org/docs/current/protocol-message-formats.html#PROTOCOL-MESSAGE-FORMATS-NOTIFICATIONRESPONSE
 */
export class BackendPids {
  private readonly byBackend = new Map<string, number>();

  /** A session's upstream backend on `server` (host:port: process ids are a server's own) and its client's stand-in; returns the release. */
  register(server: string, backendPid: number, clientPid: number): () => void {
    const key = keyOf(server, backendPid);
    this.byBackend.set(key, clientPid);
    return () => {
      if (this.byBackend.get(key) === clientPid) this.byBackend.delete(key);
    };
  }

  clientPidOf(server: string, backendPid: number): number | undefined {
    return this.byBackend.get(keyOf(server, backendPid));
  }

  get size(): number {
    return this.byBackend.size;
  }
}

function keyOf(server: string, backendPid: number): string {
  return `${server}\0${backendPid}`;
}

/** Stands in for a backend that would otherwise pass for the client's own: PostgreSQL never uses 0. */
const NOT_YOURS = 0;

/** The sender's process id as one session's client must see it. */
export function senderPidFor(pids: BackendPids, server: string, own: { backendPid: number | null; clientPid: number }): (backendPid: number) => number {
  return (pid) => {
    if (pid === own.backendPid) return own.clientPid;
    const mapped = pids.clientPidOf(server, pid);
    if (mapped !== undefined) return mapped;
    return pid === own.clientPid ? NOT_YOURS : pid;
  };
}

/** NotificationResponse ('A') with its process id as the client must see it; the frame itself when unchanged. */
export function withSenderPid(frame: Buffer, senderPid: (backendPid: number) => number): Buffer {
  if (frame.length < 9) return frame;
  const pid = frame.readInt32BE(5);
  const seen = senderPid(pid);
  if (seen === pid) return frame;
  const out = Buffer.from(frame);
  out.writeInt32BE(seen, 5);
  return out;
}
