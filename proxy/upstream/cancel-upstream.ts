import { cancelRequest } from "../protocol/frontend-serializers";
import { openTransport, type TransportTarget } from "./open-transport";

/**
 * Sends a CancelRequest for an upstream backend on a connection of its own, as libpq does.
 * https://www.postgresql.org/docs/current/protocol-flow.html#PROTOCOL-FLOW-CANCELING-REQUESTS
 */
export async function cancelUpstream(target: TransportTarget, key: { processId: number; secretKey: Buffer }, timeoutMs = 5000): Promise<void> {
  const { socket } = await openTransport(target, timeoutMs);
  await new Promise<void>((resolve) => {
    const done = () => {
      clearTimeout(timer);
      socket.destroy();
      resolve();
    };
    const timer = setTimeout(done, timeoutMs);
    // The server closes the connection once it has the request.
    socket.once("close", done);
    socket.once("error", done);
    socket.resume();
    socket.end(cancelRequest(key.processId, key.secretKey));
  });
}
