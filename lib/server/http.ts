import "server-only";
import { NextResponse } from "next/server";
import { ZodError, type ZodType } from "zod";
import type { ApiError, FieldErrors } from "@/lib/shared/contracts/connections";
import { ServiceError } from "./connections/service-error";

export function fieldErrorsOf(err: ZodError): FieldErrors {
  const out: FieldErrors = {};
  for (const issue of err.issues) {
    const key = String(issue.path[0] ?? "form");
    out[key] ??= issue.message;
  }
  return out;
}

/** Parses a JSON request body with a zod schema; a bad body is a 400 with messages per field. */
export async function parseBody<T>(req: Request, schema: ZodType<T>): Promise<T> {
  let body: unknown;
  try {
    body = await req.json();
  } catch {
    throw new ServiceError("The request body must be JSON.", 400);
  }
  const result = schema.safeParse(body);
  if (!result.success) throw new ServiceError("Some fields need attention.", 400, fieldErrorsOf(result.error));
  return result.data;
}

/** Maps a thrown error to a JSON response; unexpected errors are logged and answered without details. */
export function errorResponse(err: unknown): NextResponse<ApiError> {
  if (err instanceof ServiceError) return NextResponse.json({ error: err.message, fieldErrors: err.fieldErrors }, { status: err.status });
  if (err instanceof ZodError) return NextResponse.json({ error: "Some fields need attention.", fieldErrors: fieldErrorsOf(err) }, { status: 400 });
  console.error("[console] unexpected error", err);
  return NextResponse.json({ error: "Something went wrong on the server; it has been logged." }, { status: 500 });
}

export async function handle(fn: () => Promise<Response>): Promise<Response> {
  try {
    return await fn();
  } catch (err) {
    return errorResponse(err);
  }
}
