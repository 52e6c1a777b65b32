"use client";

import { useRouter } from "next/navigation";
import { ButtonLink } from "@/components/ui/button-link";
import { Card } from "@/components/ui/card";
import { useCreateConnection } from "@/lib/client/connections";
import { ConnectionForm } from "./connection-form";
import { NEW_CONNECTION_VALUES, validateCreateConnection } from "./connection-form-values";

export function NewConnectionForm() {
  const router = useRouter();
  const create = useCreateConnection();
  return (
    <Card className="max-w-3xl">
      <ConnectionForm
        initialValues={NEW_CONNECTION_VALUES}
        validate={validateCreateConnection}
        onSubmit={(input) => create.mutate(input, { onSuccess: (created) => router.push(`/connections/${created.id}`) })}
        submitLabel="Create connection"
        // Stay busy until the detail page takes over, so a second click cannot create a duplicate.
        isSubmitting={create.isPending || create.isSuccess}
        submitError={create.error}
        extraActions={
          <ButtonLink href="/connections" variant="ghost">
            Cancel
          </ButtonLink>
        }
      />
    </Card>
  );
}
