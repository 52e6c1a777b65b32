import "server-only";
import type { FieldErrors } from "@/lib/shared/contracts/connections";

/** A failure the user can act on: route handlers turn it into a 4xx JSON body with field errors. */
export class ServiceError extends Error {
  constructor(
    message: string,
    public readonly status: 400 | 403 | 404 | 409 | 422 = 400,
    public readonly fieldErrors?: FieldErrors,
  ) {
    super(message);
    this.name = "ServiceError";
  }
}

/** PostgreSQL's unique_violation, raised when two admins pick the same name at once. */
export function isUniqueViolation(err: unknown): boolean {
  const e = err as { code?: string; cause?: { code?: string } };
  return e?.code === "23505" || e?.cause?.code === "23505";
}
