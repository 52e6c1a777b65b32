import { migrateStore } from "@/lib/db/migrate";
import { parseConfig, requireRuntimeConfig } from "@/lib/shared/config";
import type { Command } from "./command";

export const migrateCommand: Command = {
  name: "migrate",
  usage: "migrate",
  summary: "apply the store's database migrations (DATABASE_URL)",
  async run() {
    const config = requireRuntimeConfig(parseConfig(process.env), ["database"]);
    await migrateStore(config.DATABASE_URL);
    console.log("Store migrations applied.");
  },
};
