"use client";

import { useId, useImperativeHandle, useRef, useState, type KeyboardEvent, type Ref } from "react";
import { Alert } from "@/components/ui/alert";
import { Button } from "@/components/ui/button";
import { Field } from "@/components/ui/field";
import { IntegerInput } from "@/components/ui/integer-input";
import { Textarea } from "@/components/ui/textarea";
import { useToast } from "@/components/ui/toast";
import { ApiRequestError } from "@/lib/client/api";
import { useDecideApproval } from "@/lib/client/approvals";
import { REJECT_COMMENT_REQUIRED } from "@/lib/shared/contracts/approval-decision";
import { describeRequester, MAX_GRANT_MINUTES, reviewRefusal, type ApprovalRequestDto, type DecideApprovalInput, type GrantScope } from "@/lib/shared/contracts/approvals";
import { GrantScopeChoice } from "./grant-scope-choice";

export type Reviewer = { email: string; groups: string[] };

/** What the inbox's keyboard shortcuts do to the selected request's form (a: approve, r: reject). */
export type DecisionActions = { approve: () => void; startRejecting: () => void };

const DEFAULT_GRANT_MINUTES = 60;

/**
 * Approve or reject with a comment. Rejecting needs one: the client gets it with the error. When the
 * rule allows it, an approval may also let the requester run the same statement again for a while:
 * the exact statement, or, only when the reviewer picks it, every statement of its shape.
 * What the server would refuse (one's own statement, one under a token the reviewer minted, the
 * wrong group) is said up front, in its words.
 */
export function DecisionForm({ request, reviewer, actionsRef }: { request: ApprovalRequestDto; reviewer: Reviewer; actionsRef?: Ref<DecisionActions> }) {
  const decide = useDecideApproval(request.id);
  const { toast } = useToast();
  const id = useId();
  const commentBox = useRef<HTMLTextAreaElement>(null);
  const [isRejecting, setRejecting] = useState(false);
  const [comment, setComment] = useState("");
  const [commentError, setCommentError] = useState<string>();
  const [isGranting, setGranting] = useState(false);
  const [grantMinutes, setGrantMinutes] = useState<number | null>(DEFAULT_GRANT_MINUTES);
  const [grantScope, setGrantScope] = useState<GrantScope>("statement");
  const refusal = reviewRefusal(request, reviewer);
  const serverCommentError = decide.error instanceof ApiRequestError ? decide.error.fieldErrors.comment : undefined;
  const canGrant = request.allowGrants && request.fingerprint !== null;
  const grantError =
    isGranting && (grantMinutes === null || !Number.isInteger(grantMinutes) || grantMinutes < 1 || grantMinutes > MAX_GRANT_MINUTES)
      ? `Enter whole minutes from 1 to ${MAX_GRANT_MINUTES}.`
      : undefined;

  // The outcome as a toast: on a phone the card (and its inline error) may be scrolled out of sight.
  const submit = (input: DecideApprovalInput) => {
    if (decide.isPending) return;
    decide.mutate(input, {
      onSuccess: (decided) => toast({ tone: "success", message: describeDecided(input, decided, request) }),
      onError: (err) => toast({ tone: "error", message: `Could not ${input.decision} the statement: ${err.message}` }),
    });
  };
  const approve = () => {
    if (grantError) return;
    submit({ decision: "approve", comment: comment.trim() || undefined, grantMinutes: isGranting ? grantMinutes : null, grantScope });
  };
  const reject = () => {
    if (!comment.trim()) {
      setCommentError(REJECT_COMMENT_REQUIRED);
      commentBox.current?.focus();
      return;
    }
    submit({ decision: "reject", comment: comment.trim() });
  };
  const startRejecting = () => {
    setRejecting(true);
    commentBox.current?.focus();
  };
  // A reviewer who may not decide (the note below says why) hears the same reason from the shortcuts.
  const refuse = () => refusal && toast({ tone: "error", message: refusal });
  useImperativeHandle(actionsRef, () => (refusal ? { approve: refuse, startRejecting: refuse } : { approve, startRejecting }));
  // Ctrl+Enter (Cmd+Enter) in the comment sends it: a rejection after r, otherwise an approval is not guessed.
  const onCommentKeyDown = (event: KeyboardEvent<HTMLTextAreaElement>) => {
    if (event.key === "Enter" && (event.ctrlKey || event.metaKey) && isRejecting) {
      event.preventDefault();
      reject();
    }
  };

  if (refusal) {
    return (
      <p role="note" className="rounded-md bg-slate-50 px-3 py-2 text-sm text-slate-600">
        {refusal}
      </p>
    );
  }
  return (
    <form onSubmit={(e) => e.preventDefault()} aria-label="Decision" className="space-y-3 rounded-md border border-slate-200 bg-slate-50/60 p-3">
      <Field
        label="Comment"
        hint={isRejecting ? "Say why: the client gets it with the error. Ctrl+Enter rejects." : "Optional for an approval; required to reject."}
        error={commentError ?? serverCommentError}
      >
        {(control) => (
          <Textarea
            {...control}
            ref={commentBox}
            onKeyDown={onCommentKeyDown}
            rows={2}
            value={comment}
            maxLength={2000}
            onChange={(e) => {
              setComment(e.target.value);
              if (e.target.value.trim()) setCommentError(undefined);
            }}
          />
        )}
      </Field>
      {canGrant && (
        <div className="flex flex-wrap items-center gap-2 text-sm text-slate-700">
          <input
            id={`${id}-grant`}
            type="checkbox"
            checked={isGranting}
            onChange={(e) => setGranting(e.target.checked)}
            className="h-4 w-4 rounded border-slate-300 accent-brand-600 focus-visible:outline-none focus-visible:ring-2 focus-visible:ring-brand-500 focus-visible:ring-offset-2"
          />
          <label htmlFor={`${id}-grant`}>Also let it run again without asking, for</label>
          {/* Sized by a box: the input's own w-full would win over a width class passed to it. */}
          <div className="w-20 shrink-0">
            <IntegerInput aria-label="Grant minutes" aria-invalid={grantError ? true : undefined} value={grantMinutes} onChange={setGrantMinutes} disabled={!isGranting} />
          </div>
          <span>minutes, for {describeRequester(request.requester, request.requesterMintedBy)}</span>
          {grantError && <p className="w-full text-xs font-medium text-red-600">{grantError}</p>}
          {isGranting && <GrantScopeChoice value={grantScope} onChange={setGrantScope} />}
        </div>
      )}
      {decide.error && <Alert tone="danger">{decide.error.message}</Alert>}
      <div className="flex flex-wrap gap-2">
        <Button variant="primary" onClick={approve} isLoading={decide.isPending && decide.variables?.decision === "approve"} disabled={decide.isPending}>
          Approve
        </Button>
        <Button variant="danger" onClick={reject} isLoading={decide.isPending && decide.variables?.decision === "reject"} disabled={decide.isPending}>
          Reject
        </Button>
        {request.minApprovals > 1 && (
          <span className="self-center text-xs text-slate-500">
            {request.approvalCount} of {request.minApprovals} approvals so far
          </span>
        )}
      </div>
    </form>
  );
}

/** The toast after a decision: what happened to the statement, in the reviewer's terms. */
function describeDecided(input: DecideApprovalInput, decided: ApprovalRequestDto | undefined, request: ApprovalRequestDto): string {
  const whose = describeRequester(request.requester, request.requesterMintedBy);
  if (input.decision === "reject") return `Rejected the statement from ${whose}: the client gets your comment.`;
  if (decided && decided.status === "pending") return `Your approval is recorded: ${decided.approvalCount} of ${decided.minApprovals} needed.`;
  return `Approved the statement from ${whose}: it runs now.`;
}
