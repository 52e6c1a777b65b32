/**
 * The console's live MCP sessions (one per Mcp-Session-Id, each with its own MCP server and gateway
 * session), kept in memory by the process that serves /api/mcp. A session belongs to the token that
 * opened it; it ends on DELETE, when idle too long, or when its token has too many.
 */
export type McpSessionEntry = {
  id: string;
  tokenId: string;
  /** Ends the MCP server, its transport and its gateway sessions; called once. */
  close(): Promise<void>;
};

type Tracked<E extends McpSessionEntry> = E & { lastSeenAt: number; activeRequests: number; closing?: Promise<void> };

export type McpSessionRegistryOptions = {
  /** A session with no request for this long is closed (default 30 minutes). */
  idleMs?: number;
  /** Sessions one token may hold; a new one closes that token's least recently used idle one (default 16). */
  maxPerToken?: number;
  now?: () => number;
  onError?: (err: unknown, sessionId: string) => void;
};

export class McpSessionRegistry<E extends McpSessionEntry = McpSessionEntry> {
  private readonly sessions = new Map<string, Tracked<E>>();
  private readonly idleMs: number;
  private readonly maxPerToken: number;
  private readonly now: () => number;
  private readonly onError: (err: unknown, sessionId: string) => void;
  private sweeper: NodeJS.Timeout | undefined;

  constructor(opts: McpSessionRegistryOptions = {}) {
    this.idleMs = opts.idleMs ?? 30 * 60_000;
    this.maxPerToken = opts.maxPerToken ?? 16;
    this.now = opts.now ?? Date.now;
    this.onError = opts.onError ?? (() => {});
  }

  get size(): number {
    return this.sessions.size;
  }

  add(entry: E): void {
    const ofToken = [...this.sessions.values()].filter((s) => s.tokenId === entry.tokenId && !s.closing);
    if (ofToken.length >= this.maxPerToken) {
      const idle = ofToken.filter((s) => s.activeRequests === 0).sort((a, b) => a.lastSeenAt - b.lastSeenAt);
      if (idle[0]) void this.close(idle[0].id);
    }
    this.sessions.set(entry.id, { ...entry, lastSeenAt: this.now(), activeRequests: 0 });
    this.startSweeping();
  }

  /** The session with this id, only for the token that opened it: another token's id is as good as unknown. */
  find(id: string, tokenId: string): E | undefined {
    const s = this.sessions.get(id);
    return s && !s.closing && s.tokenId === tokenId ? s : undefined;
  }

  /** Marks a request as running in the session until `done` is called (idle time counts from the end). */
  beginRequest(id: string): () => void {
    const s = this.sessions.get(id);
    if (!s) return () => {};
    s.activeRequests += 1;
    s.lastSeenAt = this.now();
    let isDone = false;
    return () => {
      if (isDone) return;
      isDone = true;
      s.activeRequests -= 1;
      s.lastSeenAt = this.now();
    };
  }

  /** Closes and forgets a session; idempotent. */
  close(id: string): Promise<void> {
    const s = this.sessions.get(id);
    if (!s) return Promise.resolve();
    // Deferred a tick so `closing` is set before the entry's close runs: closing the MCP server
    // closes its transport, whose onclose asks for this same close again.
    s.closing ??= Promise.resolve()
      .then(() => s.close())
      .catch((err) => this.onError(err, id))
      .finally(() => {
        this.sessions.delete(id);
        if (this.sessions.size === 0) this.stopSweeping();
      });
    return s.closing;
  }

  /** Closes sessions with no request running and none for idleMs. */
  async sweep(): Promise<void> {
    const cutoff = this.now() - this.idleMs;
    const idle = [...this.sessions.values()].filter((s) => s.activeRequests === 0 && s.lastSeenAt <= cutoff);
    await Promise.all(idle.map((s) => this.close(s.id)));
  }

  async closeAll(): Promise<void> {
    await Promise.all([...this.sessions.keys()].map((id) => this.close(id)));
    this.stopSweeping();
  }

  private startSweeping() {
    if (this.sweeper) return;
    this.sweeper = setInterval(() => void this.sweep(), Math.max(1000, Math.min(60_000, this.idleMs / 4)));
    // The sweep must never keep a process (a test, a CLI) alive by itself.
    this.sweeper.unref();
  }

  private stopSweeping() {
    clearInterval(this.sweeper);
    this.sweeper = undefined;
  }
}
