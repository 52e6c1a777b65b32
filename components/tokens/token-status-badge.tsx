import { Badge, type BadgeTone } from "@/components/ui/badge";
import type { TokenDto } from "@/lib/shared/contracts/tokens";

const TONES: Record<TokenDto["status"], BadgeTone> = { active: "success", expired: "neutral", revoked: "danger" };

export function TokenStatusBadge({ status }: { status: TokenDto["status"] }) {
  return <Badge tone={TONES[status]}>{status}</Badge>;
}
