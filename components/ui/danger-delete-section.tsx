"use client";

import { useRouter } from "next/navigation";
import { useState, type ReactNode } from "react";
import { Button } from "@/components/ui/button";
import { Card } from "@/components/ui/card";
import { ConfirmDialog } from "@/components/ui/confirm-dialog";

type DeleteMutation = { isPending: boolean; isSuccess: boolean; error: Error | null; reset(): void; mutate(v: undefined, o: { onSuccess: () => void }): void };

/**
 * A "Danger zone" card that deletes one named thing after the admin types its name; on success it
 * goes to `afterDeleteHref`. `label` names the thing ("connection", "sink").
 */
export function DangerDeleteSection(props: {
  label: string;
  name: string;
  consequences: ReactNode;
  confirmDescription: ReactNode;
  remove: DeleteMutation;
  afterDeleteHref: string;
}) {
  const { label, name, remove } = props;
  const router = useRouter();
  const [isConfirming, setConfirming] = useState(false);
  return (
    <Card tone="danger" title="Danger zone">
      <div className="flex flex-wrap items-center justify-between gap-4">
        <div className="text-sm">
          <p className="font-medium text-slate-900">Delete this {label}</p>
          <p className="mt-0.5 text-slate-500">{props.consequences}</p>
        </div>
        <Button
          variant="danger"
          // While the dialog is open its confirm button carries the same name; hiding this one keeps that name unique.
          aria-hidden={isConfirming || undefined}
          onClick={() => {
            remove.reset();
            setConfirming(true);
          }}
        >
          Delete {label}
        </Button>
      </div>
      <ConfirmDialog
        isOpen={isConfirming}
        title={`Delete ${name}?`}
        description={props.confirmDescription}
        confirmLabel={`Delete ${label}`}
        confirmationText={name}
        isPending={remove.isPending || remove.isSuccess}
        error={remove.error?.message}
        onCancel={() => setConfirming(false)}
        onConfirm={() => remove.mutate(undefined, { onSuccess: () => router.replace(props.afterDeleteHref) })}
      />
    </Card>
  );
}
