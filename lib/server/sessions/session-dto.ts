import "server-only";
import type { Session, Statement } from "@/drizzle/schema";
import type { SessionDto } from "@/lib/shared/contracts/sessions";

export type StatementDto = Omit<Statement, "receivedAt" | "finishedAt"> & { receivedAt: string; finishedAt: string | null };

export function toSessionDto(s: Session): SessionDto {
  return {
    id: s.id,
    connectionId: s.connectionId,
    connectionName: s.connectionName,
    userName: s.userName,
    tokenMintedBy: s.tokenMintedBy,
    actorKind: s.actorKind,
    agentName: s.agentName,
    groups: s.groups,
    authMethod: s.authMethod,
    applicationName: s.applicationName,
    clientAddress: s.clientAddress,
    isTls: s.isTls,
    protocolVersion: s.protocolVersion,
    gatewayInstance: s.gatewayInstance,
    recordingMode: s.recordingMode,
    startedAt: s.startedAt.toISOString(),
    endedAt: s.endedAt?.toISOString() ?? null,
    endReason: s.endReason,
    endRequestedBy: s.endRequestedBy,
    endRequestedAt: s.endRequestedAt?.toISOString() ?? null,
    endRequestReason: s.endRequestReason,
    statementCount: s.statementCount,
    errorCount: s.errorCount,
  };
}

export function toStatementDto(s: Statement): StatementDto {
  return { ...s, receivedAt: s.receivedAt.toISOString(), finishedAt: s.finishedAt?.toISOString() ?? null };
}
