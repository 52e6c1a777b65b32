import { Card } from "@/components/ui/card";
import type { TopActor, TopActors } from "@/lib/shared/contracts/overview";

type TopActorsCardProps = { title: string; noun: string; actors: TopActors; testId: string };

/** The busiest and the most blocked, side by side, over the last day. */
export function TopActorsCard({ title, noun, actors, testId }: TopActorsCardProps) {
  return (
    <Card title={title} description="Last 24 hours. Blocked: refused by policy or by a reviewer.">
      <div className="grid gap-5 sm:grid-cols-2" data-testid={testId}>
        <ActorTable caption={`${title} by statements`} noun={noun} actors={actors.byStatements} column="statements" empty="No statements." testId={`${testId}-by-statements`} />
        <ActorTable caption={`${title} by blocks`} noun={noun} actors={actors.byBlocks} column="blocked" empty="Nothing blocked." testId={`${testId}-by-blocks`} />
      </div>
    </Card>
  );
}

function ActorTable({ caption, noun, actors, column, empty, testId }: { caption: string; noun: string; actors: TopActor[]; column: "statements" | "blocked"; empty: string; testId: string }) {
  return (
    <table className="w-full text-sm" data-testid={testId}>
      <caption className="mb-1 text-left text-xs font-semibold tracking-wide text-slate-500 uppercase">{column === "statements" ? "By statements" : "By blocks"}</caption>
      <thead className="sr-only">
        <tr>
          <th scope="col">{noun}</th>
          <th scope="col">{column === "statements" ? "Statements" : "Blocked"}</th>
        </tr>
      </thead>
      <tbody>
        {actors.length === 0 ? (
          <tr>
            <td colSpan={2} className="py-1 text-slate-500">
              {empty}
            </td>
          </tr>
        ) : (
          actors.map((a) => (
            <tr key={a.name} className="border-t border-slate-100">
              <th scope="row" className="max-w-0 truncate py-1 pr-3 text-left font-normal" title={a.name}>
                {a.name}
              </th>
              <td className="py-1 text-right tabular-nums">{a[column].toLocaleString("en-US")}</td>
            </tr>
          ))
        )}
      </tbody>
      <tfoot className="sr-only">
        <tr>
          <td colSpan={2}>{caption}</td>
        </tr>
      </tfoot>
    </table>
  );
}
