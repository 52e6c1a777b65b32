import net from "node:net";

/**
 * A loopback TCP link between the gateway and its target that a test can cut: every connection is
 * piped to the real server, and `cut()` destroys both ends at once, as a network failure or a
 * crashed server would. The server says nothing first (no ErrorResponse), unlike pg_terminate_backend.
 */
export type CuttableLink = { port: number; cut(): void; close(): Promise<void> };

export async function openCuttableLink(targetHost: string, targetPort: number): Promise<CuttableLink> {
  const pairs = new Set<[net.Socket, net.Socket]>();
  const server = net.createServer((inbound) => {
    const outbound = net.connect({ host: targetHost, port: targetPort });
    const pair: [net.Socket, net.Socket] = [inbound, outbound];
    pairs.add(pair);
    const end = () => {
      pairs.delete(pair);
      inbound.destroy();
      outbound.destroy();
    };
    inbound.on("error", end).on("close", end);
    outbound.on("error", end).on("close", end);
    inbound.pipe(outbound);
    outbound.pipe(inbound);
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const cut = () => {
    for (const [a, b] of pairs) {
      a.destroy();
      b.destroy();
    }
    pairs.clear();
  };
  return {
    port: (server.address() as net.AddressInfo).port,
    cut,
    close() {
      cut();
      return new Promise((resolve) => server.close(() => resolve()));
    },
  };
}
