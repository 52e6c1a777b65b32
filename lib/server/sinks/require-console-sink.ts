import "server-only";
import type { EventSink } from "@/drizzle/schema";
import { ServiceError } from "../connections/service-error";

export const ENVIRONMENT_SINK_NOTE = "This sink is set by WARDEN_SINK_* variables: change them where Warden runs, and restart it.";

/** The sink, if it exists and the console owns it: environment sinks are read-only here. */
export function requireConsoleSink(row: EventSink | undefined): EventSink {
  if (!row) throw new ServiceError("This event sink does not exist (any more).", 404);
  if (row.source !== "console") throw new ServiceError(ENVIRONMENT_SINK_NOTE, 409);
  return row;
}
