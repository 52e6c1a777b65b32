/**
 * SQLSTATE codes the gateway itself raises. https://www.postgresql.org/docs/current/errcodes-appendix.html
 */
export const SqlState = {
  ProtocolViolation: "08P01",
  ConnectionFailure: "08006",
  UnableToConnect: "08001",
  InvalidAuthorizationSpecification: "28000",
  InvalidPassword: "28P01",
  InvalidCatalogName: "3D000",
  InsufficientPrivilege: "42501",
  ReadOnlySqlTransaction: "25006",
  InvalidSqlStatementName: "26000",
  InvalidCursorName: "34000",
  FeatureNotSupported: "0A000",
  ProgramLimitExceeded: "54000",
  QueryCanceled: "57014",
  AdminShutdown: "57P01",
  CannotConnectNow: "57P03",
  TooManyConnections: "53300",
  InternalError: "XX000",
} as const;
export type SqlState = (typeof SqlState)[keyof typeof SqlState] | (string & {});
