/**
 * The cases every driver of the matrix runs (the list, less what only some drivers have);
 * each driver's test file adds its own: empty query, binary parameters, pipelining, large objects….
 */
export const CASES_EVERY_DRIVER_RUNS = [
  "connect_plain",
  "connect_tls",
  "multi_statement",
  "named_statement_reuse",
  "savepoints",
  "error_recovery",
  "syntax_error_position",
  "copy_in_out",
  "listen_notify",
  "cancel_sleep",
  "rows_200k",
  "cursor",
  "startup_options",
] as const;
