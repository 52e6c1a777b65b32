import { describeRequester } from "@/lib/shared/contracts/approvals";

/**
 * Who a statement or session ran as (the subject) and, when someone else minted its token, who did:
 * "dev@example.com (minted by admin@example.com)". A JWT sign-in has no minter: the subject is the
 * person themself.
 */
export function RequesterIdentity({ subject, mintedBy }: { subject: string; mintedBy: string | null }) {
  const isMintedByOther = describeRequester(subject, mintedBy) !== subject;
  return (
    <span className="break-all" title={describeRequester(subject, mintedBy)}>
      <span className="text-slate-900">{subject}</span>
      {isMintedByOther && <span className="text-xs text-slate-500"> (minted by {mintedBy})</span>}
    </span>
  );
}
