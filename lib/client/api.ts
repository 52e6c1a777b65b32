import type { ApiError, FieldErrors } from "@/lib/shared/contracts/connections";

/** A failed BFF call: the server's sentence, plus messages per form field when it sent them. */
export class ApiRequestError extends Error {
  constructor(
    message: string,
    public readonly status: number,
    public readonly fieldErrors: FieldErrors = {},
  ) {
    super(message);
    this.name = "ApiRequestError";
  }
}

export async function apiFetch<T>(path: string, init: RequestInit & { json?: unknown } = {}): Promise<T> {
  const { json, ...rest } = init;
  const res = await fetch(path, {
    ...rest,
    headers: { ...(json !== undefined ? { "content-type": "application/json" } : {}), ...rest.headers },
    body: json !== undefined ? JSON.stringify(json) : rest.body,
    credentials: "same-origin",
  });
  if (res.status === 204) return undefined as T;
  const body = (await res.json().catch(() => null)) as (ApiError & T) | null;
  if (!res.ok) {
    if (res.status === 401 && typeof window !== "undefined") {
      window.location.href = `/sign-in?callbackUrl=${encodeURIComponent(window.location.pathname)}`;
    }
    throw new ApiRequestError(body?.error ?? `Request failed (${res.status}).`, res.status, body?.fieldErrors);
  }
  return body as T;
}
