"use client";

import { useRouter } from "next/navigation";
import { ButtonLink } from "@/components/ui/button-link";
import { Card } from "@/components/ui/card";
import { useCreateSink } from "@/lib/client/sinks";
import { SinkForm } from "./sink-form";
import { NEW_SINK_VALUES, validateCreateSink } from "./sink-form-values";

export function NewSinkForm() {
  const router = useRouter();
  const create = useCreateSink();
  return (
    <Card className="max-w-3xl">
      <SinkForm
        initialValues={NEW_SINK_VALUES}
        validate={validateCreateSink}
        onSubmit={(input) => create.mutate(input, { onSuccess: (created) => router.push(`/sinks/${created.id}`) })}
        submitLabel="Create sink"
        // Stay busy until the detail page takes over, so a second click cannot create a duplicate.
        isSubmitting={create.isPending || create.isSuccess}
        submitError={create.error}
        extraActions={
          <ButtonLink href="/sinks" variant="ghost">
            Cancel
          </ButtonLink>
        }
      />
    </Card>
  );
}
