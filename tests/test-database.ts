import { randomBytes } from "node:crypto";
import pg from "pg";
import { inject } from "vitest";
import { migrateStore } from "@/lib/db/migrate";

/** The URL of a database on the test server, with `name` swapped in. */
export function testServerUrl(database: string): string {
  const url = new URL(inject("pgAdminUrl"));
  url.pathname = `/${database}`;
  return url.toString();
}

/** Creates a fresh, empty database for one test file and returns its URL. */
export async function createTestDatabase(prefix = "t"): Promise<string> {
  const name = `${prefix}_${randomBytes(4).toString("hex")}`;
  const admin = new pg.Client({ connectionString: inject("pgAdminUrl") });
  await admin.connect();
  try {
    await admin.query(`create database ${pg.escapeIdentifier(name)}`);
  } finally {
    await admin.end();
  }
  return testServerUrl(name);
}

/** A fresh store database with every migration applied. */
export async function createTestStore(): Promise<string> {
  const url = await createTestDatabase("store");
  await migrateStore(url);
  return url;
}
