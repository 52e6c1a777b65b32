import { migrateStore } from "@/lib/db/migrate";
import { parseFlags, usageLines, type Command } from "./command";
import { explainStoreError, locateStore } from "./store-access";

const USAGE = "migrate";

/** `warden migrate`: brings a store's tables up to date; idempotent, safe beside running workers. */
export const migrateCommand: Command = {
  name: "migrate",
  usage: USAGE,
  summary: "apply the store's database migrations (DATABASE_URL, or the embedded store)",
  help: () => `${usageLines(USAGE)}

Applies the store's committed migrations that are not applied yet, to the store in DATABASE_URL
(or, without it, the embedded store \`npm start\` keeps in WARDEN_DATA_DIR, which \`npm start\` also
migrates by itself). Safe to run again, and while gateways and the console are running: concurrent
runs wait for each other. Run it before starting a new version against your own store.
`,
  async run(args) {
    parseFlags(args, {}, USAGE);
    const location = locateStore();
    try {
      await migrateStore(location.url);
    } catch (err) {
      throw explainStoreError(err, location) ?? err;
    }
    console.log(`Store migrations applied to ${location.description}.`);
  },
};
