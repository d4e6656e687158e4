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

/**
 * Agencies whose figures in this answer are last-known ones (the gateway's
 * `extensions.lastKnownFigures`, served while the agency does not answer), with their age in seconds.
 */
export function lastKnownAgencies(extensions: Record<string, unknown> | undefined): Map<Agency, number> {
  const stale = new Map<Agency, number>();
  const entries = extensions?.lastKnownFigures;
  if (!Array.isArray(entries)) return stale;
  for (const entry of entries as { agency?: unknown; ageSeconds?: unknown }[]) {
    if (typeof entry?.agency === 'string' && (AGENCIES as readonly string[]).includes(entry.agency) && typeof entry.ageSeconds === 'number') {
      stale.set(entry.agency as Agency, entry.ageSeconds);
    }
  }
  return stale;
}

export function Unavailable({ t, agency }: { t: Strings; agency: Agency }) {
  return (
    <span className="db-unavailable" data-testid={`unavailable-${agency}`}>
      {t.unavailable(t.agencyShort[agency])}
    </span>
  );
}
