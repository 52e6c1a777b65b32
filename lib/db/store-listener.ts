import pg from "pg";

/** NOTIFY channels, one place: the writers (console, gateway) and the listeners agree on these names. */
export const STORE_CHANNELS = {
  /** payload: connection id whose policy got a new version */
  policyChanged: "warden_policy_changed",
  /** payload: approval request id, when one is created */
  approvalRequested: "warden_approval_requested",
  /** payload: approval request id, when a reviewer votes or its status changes (decided, timed out, withdrawn) */
  approvalDecided: "warden_approval_decided",
  /** payload: session id, when statements were recorded */
  statementsRecorded: "warden_statements_recorded",
  /** payload: a signed CancelRequest for another worker's session (proxy/cancel/cancel-signal.ts) */
  cancelRequested: "warden_cancel_requested",
  /** payload: session id, when an admin asked for the session to end (the reason is on the session row) */
  sessionEndRequested: "warden_session_end_requested",
} as const;
export type StoreChannel = (typeof STORE_CHANNELS)[keyof typeof STORE_CHANNELS];

export type StoreListener = {
  /** Calls `handler` with each payload on `channel`; returns an unsubscribe function. */
  on(channel: StoreChannel, handler: (payload: string) => void): () => void;
  /** Called after a reconnect: notifications may have been missed, so callers re-read what they wait on. */
  onReconnect(handler: () => void): () => void;
  close(): Promise<void>;
};

/**
 * One LISTEN connection to the store per process, shared by every subscriber, reconnecting by itself
 * when the store restarts. This is how decisions and policy changes cross processes and hosts.
 */
export function createStoreListener(url: string, opts: { retryMs?: number; onError?: (err: Error) => void } = {}): StoreListener {
  const handlers = new Map<string, Set<(payload: string) => void>>();
  const reconnectHandlers = new Set<() => void>();
  let client: pg.Client | undefined;
  /** A connection attempt under way, so close() can end it too. */
  let connecting: pg.Client | undefined;
  let isClosed = false;
  let hasConnectedOnce = false;
  let retry: NodeJS.Timeout | undefined;

  const connect = async () => {
    if (isClosed) return;
    const c = new pg.Client({ connectionString: url, application_name: "warden-listener", connectionTimeoutMillis: 5000 });
    c.on("notification", (msg) => handlers.get(msg.channel)?.forEach((h) => h(msg.payload ?? "")));
    c.on("error", (err) => {
      opts.onError?.(err);
      scheduleReconnect(c);
    });
    c.on("end", () => scheduleReconnect(c));
    connecting = c;
    try {
      await c.connect();
      for (const channel of handlers.keys()) await c.query(`listen ${pg.escapeIdentifier(channel)}`);
      connecting = undefined;
      if (isClosed) {
        await endQuietly(c);
        return;
      }
      client = c;
      if (hasConnectedOnce) reconnectHandlers.forEach((h) => h());
      hasConnectedOnce = true;
    } catch (err) {
      connecting = undefined;
      opts.onError?.(err as Error);
      scheduleReconnect(c);
    }
  };

  const scheduleReconnect = (c: pg.Client) => {
    if (client === c) client = undefined;
    void endQuietly(c);
    if (isClosed || retry) return;
    retry = setTimeout(() => {
      retry = undefined;
      void connect();
    }, opts.retryMs ?? 1000);
    retry.unref();
  };

  const ready = connect();
  /** LISTENs go one at a time: pg wants one query in flight per client. */
  let listening: Promise<unknown> = ready;

  return {
    on(channel, handler) {
      let set = handlers.get(channel);
      if (!set) {
        set = new Set();
        handlers.set(channel, set);
        listening = listening.then(() => client?.query(`listen ${pg.escapeIdentifier(channel)}`)).catch(() => {});
      }
      set.add(handler);
      return () => set!.delete(handler);
    },
    onReconnect(handler) {
      reconnectHandlers.add(handler);
      return () => reconnectHandlers.delete(handler);
    },
    async close() {
      isClosed = true;
      if (retry) clearTimeout(retry);
      await ready.catch(() => {});
      await Promise.all([client, connecting].map((c) => (c ? endQuietly(c) : undefined)));
    },
  };
}

/** Ends a client without waiting forever: `end()` never settles on a connection the server already dropped. */
async function endQuietly(c: pg.Client): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  await Promise.race([c.end().catch(() => {}), new Promise<void>((resolve) => (timer = setTimeout(resolve, 2000)))]);
  clearTimeout(timer);
}
