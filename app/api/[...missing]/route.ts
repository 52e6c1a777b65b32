import { NextResponse } from "next/server";

/**
 * An API path that does not exist answers 404 in JSON, like every other API error, instead of falling
 * through to the console's catch-all 404 page (app/(console)/[...missing]), which is HTML for people.
 */
function notFound() {
  return NextResponse.json({ error: "There is no such API endpoint." }, { status: 404 });
}

export { notFound as GET, notFound as POST, notFound as PUT, notFound as PATCH, notFound as DELETE };
