export * from "./users";
export * from "./connections";
export * from "./audit-events";
export * from "./tokens";
export * from "./trusted-issuers";
export * from "./sessions";
export * from "./statements";
