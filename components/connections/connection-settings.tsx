"use client";

import { useState } from "react";
import { useUpdateConnection } from "@/lib/client/connections";
import type { ConnectionDto } from "@/lib/shared/contracts/connections";
import { ConnectionForm } from "./connection-form";
import { formValuesFromConnection, validateUpdateConnection } from "./connection-form-values";

/** The connection form in edit mode. */
export function ConnectionSettings({ connection }: { connection: ConnectionDto }) {
  const update = useUpdateConnection(connection.id);
  // Bumped after each save to start a fresh form from the saved values (empty password box, box unticked).
  const [formVersion, setFormVersion] = useState(0);
  return (
    <ConnectionForm
      key={formVersion}
      connection={connection}
      initialValues={formValuesFromConnection(connection)}
      validate={validateUpdateConnection}
      onSubmit={(input) => update.mutate(input, { onSuccess: () => setFormVersion((v) => v + 1) })}
      submitLabel="Save changes"
      isSubmitting={update.isPending}
      submitError={update.error}
      extraActions={
        update.isSuccess && (
          <p role="status" className="text-sm font-medium text-emerald-700">
            Changes saved.
          </p>
        )
      }
    />
  );
}
