import { QueryClient } from "@tanstack/react-query";
import { ApiRequestError } from "./api";

export function makeQueryClient() {
  return new QueryClient({
    defaultOptions: {
      queries: {
        staleTime: 10_000,
        // Retrying a 4xx (forbidden, not found, bad input) cannot help.
        retry: (count, err) => !(err instanceof ApiRequestError && err.status < 500) && count < 2,
      },
    },
  });
}
