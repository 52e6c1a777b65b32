import { runGatewayWorker } from "@/proxy/main";
import { ConfigError } from "@/lib/shared/config";

/** `npm run gateway`: one gateway worker against DATABASE_URL (see proxy/main.ts). */
runGatewayWorker(process.env).catch((err) => {
  console.error(err instanceof ConfigError ? err.message : `[gateway] Start-up failed: ${(err as Error).stack ?? err}`);
  process.exit(1);
});
