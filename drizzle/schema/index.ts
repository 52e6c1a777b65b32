export * from "./users";
export * from "./connections";
export * from "./audit-events";
