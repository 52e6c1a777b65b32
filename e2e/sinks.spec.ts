import http from "node:http";
import type { AddressInfo } from "node:net";
import { expect, test, type Page } from "@playwright/test";
import { isWebhookSignatureValid } from "@/lib/outbox/webhook-signature";
import { collectApiBodies, signIn } from "./fixtures/sign-in";

/**
 * Event sinks in the console: a webhook sink pointed at a real HTTP receiver on 127.0.0.1 (the
 * console's own delivery loop sends to it), a test delivery that arrives signed, a field error for a
 * bad URL, and a dead sink brought back by Retry once its receiver is up. Every step is in the audit log,
 * and no response carries the secret.
 */

const SECRET = "e2e-sink-secret-0123456789";

type Received = { headers: http.IncomingHttpHeaders; body: string };
type Receiver = { url: string; port: number; received: Received[]; close(): Promise<void> };

/** A webhook receiver that records every request and answers 204. `port` 0 picks a free one. */
async function startReceiver(port = 0): Promise<Receiver> {
  const received: Received[] = [];
  const server = http.createServer((req, res) => {
    let body = "";
    req.setEncoding("utf8");
    req.on("data", (chunk) => (body += chunk));
    req.on("end", () => {
      received.push({ headers: req.headers, body });
      res.writeHead(204).end();
    });
  });
  await new Promise<void>((resolve, reject) => server.once("error", reject).listen(port, "127.0.0.1", resolve));
  const actual = (server.address() as AddressInfo).port;
  return {
    url: `http://127.0.0.1:${actual}/warden`,
    port: actual,
    received,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}

/** A port nothing listens on (yet): bound, noted, released. */
async function findClosedPort(): Promise<number> {
  const r = await startReceiver();
  await r.close();
  return r.port;
}

/** The receiver's own check, as the README tells receivers to do it: Warden-Signature over Warden-Timestamp and the body. */
function isSignedWith(secret: string, r: Received): boolean {
  return isWebhookSignatureValid(secret, r.headers["warden-signature"] as string | undefined, r.headers["warden-timestamp"] as string | undefined, r.body);
}

/** The requests "Send test event" made (the delivery loop's batches hold real events only). */
const testRequests = (r: Receiver) => r.received.filter((req) => (JSON.parse(req.body) as { events: { isTest?: boolean }[] }).events.some((e) => e.isTest));

const sinkRow = (page: Page, name: string) => page.getByRole("row").filter({ has: page.getByRole("link", { name, exact: true }) });

test.describe("event sinks (admin)", () => {
  test("create a webhook sink with a test delivery to a real receiver; a bad URL is refused at its field", async ({ page }) => {
    const bodies = collectApiBodies(page);
    const receiver = await startReceiver();
    try {
      await signIn(page, "admin@example.com", "/sinks");
      await expect(page.getByRole("heading", { name: "Event sinks" })).toBeVisible();
      await page.getByRole("link", { name: "New sink" }).click();

      await page.getByLabel("Name").fill("siem-e2e");
      await page.getByLabel("URL").fill("http://siem.example.com/warden");
      await page.getByLabel("Signing secret").fill(SECRET);
      await page.getByRole("button", { name: "Create sink" }).click();
      await expect(page.getByText("Use https:// (plain http only to localhost).")).toBeVisible();
      await expect(page.getByLabel("URL")).toHaveAttribute("aria-invalid", "true");

      await page.getByLabel("URL").fill(receiver.url);
      await page.getByLabel("Event types").fill("event_sink.*, Bad Type");
      await expect(page.getByText(/“Bad” is not an event type/)).toBeVisible();
      await page.getByLabel("Event types").fill("event_sink.*");
      await page.getByRole("button", { name: "gateway.statement" }).click();
      await expect(page.getByLabel("Event types")).toHaveValue("event_sink.*, gateway.statement");

      // The unsaved draft: signed with the secret typed in the form.
      await page.getByRole("button", { name: "Send test event" }).click();
      await expect(page.getByText("Test event delivered")).toBeVisible();
      await expect(page.getByText(/HTTP 204/)).toBeVisible();
      expect(testRequests(receiver)).toHaveLength(1);
      expect(isSignedWith(SECRET, testRequests(receiver)[0])).toBe(true);
      expect(isSignedWith("some-other-secret-xyz", testRequests(receiver)[0])).toBe(false);

      await page.getByRole("button", { name: "Create sink" }).click();
      await expect(page).toHaveURL(/\/sinks\/[0-9a-f-]{36}/);
      await expect(page.getByRole("heading", { name: "siem-e2e" })).toBeVisible();
      await expect(page.getByLabel("Signing secret")).toHaveValue("");
      await expect(page.getByText("A secret is set")).toBeVisible();

      // The saved sink tests with its stored secret.
      await page.getByRole("button", { name: "Send test event" }).click();
      await expect(page.getByText("Test event delivered")).toBeVisible();
      await expect.poll(() => testRequests(receiver).length).toBe(2);
      expect(isSignedWith(SECRET, testRequests(receiver)[1])).toBe(true);

      // The delivery loop sends the sink's own creation (it started "now", and passes the filter).
      await expect.poll(() => receiver.received.some((r) => r.body.includes("event_sink.create") && r.body.includes("siem-e2e")), { timeout: 30_000 }).toBe(true);
      expect(receiver.received.every((r) => isSignedWith(SECRET, r))).toBe(true);

      await page.goto("/sinks");
      const row = sinkRow(page, "siem-e2e");
      await expect(row).toContainText("webhook");
      await expect(row).toContainText(receiver.url);
      await expect(row).toContainText("event_sink.*");
      await expect(row.getByText("active")).toBeVisible();

      await page.goto("/audit");
      for (const action of ["event_sink.create", "event_sink.test"]) {
        await expect(page.getByRole("row").filter({ hasText: action }).filter({ hasText: "siem-e2e" }).first()).toBeVisible();
      }
      expect(bodies.length).toBeGreaterThan(3);
      for (const body of bodies) {
        expect(body).not.toContain(SECRET);
        expect(body).not.toContain("secretCiphertext");
      }
    } finally {
      await receiver.close();
    }
  });

  test("a sink whose receiver is down goes dead, stands out, and Retry delivers once the receiver is back", async ({ page }) => {
    const port = await findClosedPort();
    await signIn(page, "admin@example.com", "/sinks");
    const created = await page.request.post("/api/sinks", {
      data: { kind: "webhook", name: "down-e2e", url: `http://127.0.0.1:${port}/warden`, secret: SECRET, maxAttempts: 1, startAt: "now" },
    });
    expect(created.status()).toBe(201);

    const row = sinkRow(page, "down-e2e");
    // The list refreshes itself: no reload while the delivery loop fails and gives up.
    await expect(row.getByText(/dead after 1 attempt/)).toBeVisible({ timeout: 30_000 });
    await expect(row).toContainText(/ECONNREFUSED|connect|refused/i);
    await expect(page.getByText("1 sink is dead")).toBeVisible();

    const receiver = await startReceiver(port);
    try {
      await row.getByRole("button", { name: "Retry down-e2e" }).click();
      await expect(row.getByText("active")).toBeVisible({ timeout: 15_000 });
      await expect(page.getByText("1 sink is dead")).toHaveCount(0);
      // Nothing was skipped: its own creation, then the retry itself, arrive.
      await expect.poll(() => receiver.received.map((r) => r.body).join("\n"), { timeout: 30_000 }).toContain("event_sink.retry");
      expect(receiver.received[0].body).toContain("event_sink.create");
      await expect(row).not.toContainText("behind", { timeout: 15_000 });
    } finally {
      await receiver.close();
    }

    await page.goto("/audit");
    await expect(page.getByRole("row").filter({ hasText: "event_sink.retry" }).filter({ hasText: "down-e2e" })).toBeVisible();
  });

  test("a developer is refused the page and the API", async ({ page }) => {
    await signIn(page, "dev@example.com");
    await expect(page.getByRole("link", { name: "Event sinks" })).toHaveCount(0);
    const res = await page.goto("/sinks");
    expect(res?.status()).toBe(403);
    const api = await page.request.get("/api/sinks");
    expect(api.status()).toBe(403);
    const post = await page.request.post("/api/sinks", { data: { kind: "stdout", name: "sneaky" } });
    expect(post.status()).toBe(403);
  });
});
