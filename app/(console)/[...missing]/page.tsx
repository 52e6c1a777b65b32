import type { Metadata } from "next";
import { notFound } from "next/navigation";

export const metadata: Metadata = { title: "Page not found" };

/**
 * Any URL no console page matches lands here, inside the console layout, so the 404 keeps the shell
 * (navigation, who is signed in) and the layout's sign-in check still runs first. Routes that exist
 * always win over this catch-all.
 */
export default function MissingPage() {
  notFound();
}
