// Which agencies did not answer, and how the page says so ("unavailable, education").
import type { CombinedError } from 'urql';
import { AGENCIES } from './figures';
import type { Agency, Strings } from './i18n';

/** Agencies the gateway said did not answer (SUBGRAPH_UNAVAILABLE / SUBGRAPH_TIMEOUT with extensions.agency). */
export function downAgencies(error: CombinedError | undefined): Set<Agency> {
  const down = new Set<Agency>();
  for (const e of error?.graphQLErrors ?? []) {
    const agency = e.extensions?.agency;
    if (typeof agency === 'string' && (AGENCIES as readonly string[]).includes(agency)) down.add(agency as Agency);
  }
  return down;
}

export function Unavailable({ t, agency }: { t: Strings; agency: Agency }) {
  return (
    <span className="db-unavailable" data-testid={`unavailable-${agency}`}>
      {t.unavailable(t.agencyShort[agency])}
    </span>
  );
}
