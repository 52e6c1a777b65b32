import "server-only";
import { createStoreListener, type StoreListener } from "@/lib/db/store-listener";
import { getConfig } from "../config";

const globalForListener = globalThis as unknown as { wardenStoreListener?: StoreListener };

/**
 * The console's one LISTEN connection to the store, shared by every open live stream (one per
 * reviewer's browser tab would soon use up the store's connections). Kept on globalThis so dev reloads
 * of this module do not open another.
 */
export function getStoreListener(): StoreListener {
  globalForListener.wardenStoreListener ??= createStoreListener(getConfig().DATABASE_URL, {
    onError: (err) => console.warn("[console] store listener:", err.message),
  });
  return globalForListener.wardenStoreListener;
}
