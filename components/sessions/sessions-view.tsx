"use client";

import { Card } from "@/components/ui/card";
import { Field } from "@/components/ui/field";
import { FilterInput } from "@/components/ui/filter-input";
import { useUrlFilters } from "@/lib/client/use-url-filters";
import { MIN_SEARCH_CHARS, statementSearchFields } from "@/lib/shared/contracts/statement-search";
import type { ConnectionOption } from "./session-filters";
import { SessionsList } from "./sessions-list";
import { StatementSearch } from "./statement-search";

type SessionsViewProps = { connections: ConnectionOption[]; canSeeAll: boolean };

/**
 * The Sessions page: a search over what was run (`?q=`) above the list of sessions. With search text
 * in the address the page lists matching statements instead of sessions; clearing it brings the list back.
 */
export function SessionsView({ connections, canSeeAll }: SessionsViewProps) {
  const search = useUrlFilters(statementSearchFields);
  const q = search.filters.q;
  return (
    <div className="space-y-5">
      <Card>
        <form role="search" aria-label="Search statements" onSubmit={(e) => e.preventDefault()}>
          <Field label="Search what was run" hint={`Any part of a statement's SQL (at least ${MIN_SEARCH_CHARS} characters): a function such as pg_read_file, a table name, a customer id.`}>
            {(control) => (
              <FilterInput
                {...control}
                type="search"
                value={q ?? ""}
                onCommit={(v) => search.setFilter("q", v.trim().length >= MIN_SEARCH_CHARS ? v.trim() : undefined)}
                placeholder="pg_read_file"
                spellCheck={false}
                autoCapitalize="off"
              />
            )}
          </Field>
        </form>
      </Card>
      {q ? <StatementSearch filters={{ ...search.filters, q }} canSeeAll={canSeeAll} onChange={search.setFilter} /> : <SessionsList connections={connections} canSeeAll={canSeeAll} />}
    </div>
  );
}
