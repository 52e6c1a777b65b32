import http from "node:http";
import type { AddressInfo } from "node:net";
import { hashEvent } from "@/lib/audit/hash-chain";
import type { OutboxBatch, OutboxEvent } from "../event-envelope";
import { isWebhookSignatureValid } from "../webhook-signature";

/** What the receiver answers a delivery: a status, after an optional delay, or nothing at all (hang). */
export type ReceiverAnswer = { status: number; delayMs?: number } | "hang";

/**
 * A SIEM's webhook endpoint, for the integration tests, doing what the README tells receivers to do:
 * check each request's signature and timestamp, dedup by seq, and check every event's chain hash.
 * Anything wrong goes into `problems` (and gets a 400/401), so a test only has to expect it empty.
 */
export type SignedReceiver = {
  url: string;
  /** Unique events by seq, in the order they first arrived. */
  events: OutboxEvent[];
  /** Seqs that arrived again (at-least-once redeliveries). */
  duplicates: number[];
  requests: number;
  /** Most requests in flight at the same time (1 when a sink has one deliverer). */
  maxInFlight: number;
  problems: string[];
  answer: (batch: OutboxBatch, request: number) => ReceiverAnswer;
  /** Called when a request has arrived and been checked, before it is answered. */
  onRequest?: (batch: OutboxBatch, request: number) => void;
  seqs(): number[];
  close(): Promise<void>;
};

export async function startSignedReceiver(secret: string, opts: { checkChainLinks?: boolean } = {}): Promise<SignedReceiver> {
  const checkChainLinks = opts.checkChainLinks ?? true;
  const seen = new Map<number, OutboxEvent>();
  let inFlight = 0;
  const hung = new Set<http.ServerResponse>();
  const receiver: SignedReceiver = {
    url: "",
    events: [],
    duplicates: [],
    requests: 0,
    maxInFlight: 0,
    problems: [],
    answer: () => ({ status: 200 }),
    seqs: () => receiver.events.map((e) => e.seq),
    close: async () => {
      for (const res of hung) res.destroy();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      inFlight += 1;
      receiver.maxInFlight = Math.max(receiver.maxInFlight, inFlight);
      let isDone = false;
      const done = () => {
        if (isDone) return;
        isDone = true;
        inFlight -= 1;
        hung.delete(res);
      };
      res.on("close", done);
      const request = ++receiver.requests;
      const body = Buffer.concat(chunks).toString("utf8");
      const header = (name: string) => req.headers[name.toLowerCase()] as string | undefined;
      if (!isWebhookSignatureValid(secret, header("Warden-Signature"), header("Warden-Timestamp"), body)) {
        receiver.problems.push(`request ${request}: bad signature or timestamp`);
        res.writeHead(401).end();
        return;
      }
      const batch = JSON.parse(body) as OutboxBatch;
      const problem = checkBatch(batch, header);
      if (problem) {
        receiver.problems.push(`request ${request}: ${problem}`);
        res.writeHead(400).end(problem);
        return;
      }
      receiver.onRequest?.(batch, request);
      const answer = receiver.answer(batch, request);
      if (answer === "hang") {
        hung.add(res);
        return;
      }
      const reply = () => {
        if (answer.status >= 200 && answer.status < 300) accept(batch);
        if (!res.destroyed) res.writeHead(answer.status).end(answer.status >= 300 ? "receiver says no" : "ok");
      };
      if (answer.delayMs) setTimeout(reply, answer.delayMs);
      else reply();
    });
  });

  function checkBatch(batch: OutboxBatch, header: (n: string) => string | undefined): string | null {
    if (batch.schema !== "warden.audit/1") return `schema ${batch.schema}`;
    if (batch.events.length === 0) return "an empty batch";
    if (header("Warden-First-Seq") !== String(batch.events[0].seq) || header("Warden-Last-Seq") !== String(batch.events.at(-1)!.seq)) return "first/last seq headers do not match the body";
    if (!header("Warden-Delivery-Id")) return "no delivery id";
    for (let i = 0; i < batch.events.length; i++) {
      const e = batch.events[i];
      if (hashEvent(e.prevHash, e.event) !== e.hash) return `event #${e.seq}: its hash does not match its fields`;
      if (e.event.seq !== e.seq) return `event #${e.seq}: seq differs from event.seq`;
      if (i > 0 && e.seq <= batch.events[i - 1].seq) return `event #${e.seq} after #${batch.events[i - 1].seq}: out of order`;
    }
    return null;
  }

  /** Dedup by seq; a new event must come after every event already accepted, and link to the one before it. */
  function accept(batch: OutboxBatch) {
    for (const e of batch.events) {
      if (seen.has(e.seq)) {
        receiver.duplicates.push(e.seq);
        if (seen.get(e.seq)!.hash !== e.hash) receiver.problems.push(`event #${e.seq} redelivered with another hash`);
        continue;
      }
      const last = receiver.events.at(-1);
      if (last && e.seq < last.seq) receiver.problems.push(`event #${e.seq} arrived after #${last.seq}`);
      if (checkChainLinks && last && e.seq === last.seq + 1 && e.prevHash !== last.hash) receiver.problems.push(`event #${e.seq} does not link to #${last.seq}`);
      if (checkChainLinks && !last && e.seq === 1 && e.prevHash !== "0".repeat(64)) receiver.problems.push("event #1 does not start the chain");
      seen.set(e.seq, e);
      receiver.events.push(e);
    }
  }

  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  receiver.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/events`;
  return receiver;
}
