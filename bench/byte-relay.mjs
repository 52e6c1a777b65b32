// The bench's "byte relay" column: the least any TCP proxy in front of PostgreSQL can cost. Each
// client socket is piped to a new socket to the target and back, with no parsing, no TLS, no policy
// and no recording, so the gap between this column and direct is the relay itself, and the gap
// between it and the gateway is what the gateway's work adds. Plain JavaScript, run by bare node like
// the compiled gateway. Started by bench/relay-process.ts: `node byte-relay.mjs HOST PORT`; reports its
// port over IPC and stops on SIGTERM or when the bench goes away.
import net from "node:net";

const [host, port] = [process.argv[2], Number(process.argv[3])];

const server = net.createServer((client) => {
  const upstream = net.connect({ host, port });
  // Both sides at once, as a proxy does: small protocol messages must not wait for Nagle.
  client.setNoDelay(true);
  upstream.setNoDelay(true);
  client.pipe(upstream);
  upstream.pipe(client);
  const close = () => {
    client.destroy();
    upstream.destroy();
  };
  for (const socket of [client, upstream]) {
    socket.on("error", close);
    socket.on("close", close);
  }
});

server.listen(0, "127.0.0.1", () => process.send?.({ type: "relay-listening", port: server.address().port }));
process.on("SIGTERM", () => server.close(() => process.exit(0)));
process.on("disconnect", () => process.exit(0));
