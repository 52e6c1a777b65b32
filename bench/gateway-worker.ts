import os from "node:os";
import { createLogger } from "@/proxy/log";
import { startGateway } from "@/proxy/start-gateway";
import type { RecordingMode } from "@/proxy/recording/recorder";

/**
 * A gateway worker in a child process of its own (forked by gateway-process.ts), so its CPU and
 * memory are its own and its RSS can be read apart from the bench's client work. Tells the parent
 * its port over IPC; stops cleanly on SIGTERM.
 */
export type GatewayWorkerSettings = { storeUrl: string; secretKeyHex: string; recordingMode: RecordingMode };

const settings = JSON.parse(process.env.BENCH_GATEWAY_SETTINGS ?? "null") as GatewayWorkerSettings | null;
if (!settings || !process.send) {
  console.error("bench/gateway-worker.ts is started by the bench (npm run bench), not on its own.");
  process.exit(2);
}

const gateway = await startGateway(
  {
    DATABASE_URL: settings.storeUrl,
    WARDEN_SECRET_KEY: Buffer.from(settings.secretKeyHex, "hex"),
    GATEWAY_PORT: 0,
    GATEWAY_HOST: "127.0.0.1",
    GATEWAY_TLS_CERT: undefined,
    GATEWAY_TLS_KEY: undefined,
    WARDEN_DATA_DIR: os.tmpdir(),
    LOG_LEVEL: "warn",
  },
  { recordingMode: settings.recordingMode, log: createLogger("warn").child({ component: "gateway", recording: settings.recordingMode }) },
);
process.send({ type: "listening", port: gateway.port });
process.on("SIGTERM", () => {
  void gateway.close().finally(() => process.exit(0));
});
