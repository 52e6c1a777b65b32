"use client";

import { useState } from "react";
import { useUpdateSink } from "@/lib/client/sinks";
import type { EventSinkDto } from "@/lib/shared/contracts/event-sinks";
import { SinkForm } from "./sink-form";
import { formValuesFromSink, validateUpdateSink } from "./sink-form-values";

/** The sink form in edit mode (console sinks only). */
export function SinkSettings({ sink }: { sink: EventSinkDto }) {
  const update = useUpdateSink(sink.id);
  // Bumped after each save to start a fresh form from the saved values (empty secret box). The list's
  // refetches do not reset it, so typing survives the live refresh; the Disable/Enable switch above does,
  // so saving the form never turns back what the switch just did.
  const [formVersion, setFormVersion] = useState(0);
  return (
    <SinkForm
      key={`${formVersion}:${sink.isEnabled}`}
      sink={sink}
      initialValues={formValuesFromSink(sink)}
      validate={validateUpdateSink}
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
