// What a signed-in caller may see of a region's case lists (the hub decides:
// the token's scopes and regions); names and parties only with the pii scope.
import type { ReactNode } from 'react';
import { useQuery } from 'urql';
import { downAgencies, Unavailable } from './agencies';
import { DashboardCasesDocument } from './gql/graphql';
import type { Strings } from './i18n';

/** The scopes a token claims (read only to decide what to ask for; the hub decides what it answers). */
function tokenScopes(token: string | null): string[] {
  if (!token) return [];
  try {
    const payload = JSON.parse(atob(token.split('.')[1].replace(/-/g, '+').replace(/_/g, '/'))) as { scope?: unknown };
    return typeof payload.scope === 'string' ? payload.scope.split(' ').filter(Boolean) : [];
  } catch {
    return [];
  }
}

export function Cases({ t, code, token }: { t: Strings; code: string; token: string }) {
  const scopes = tokenScopes(token);
  const [cases] = useQuery({
    query: DashboardCasesDocument,
    variables: { code, parties: scopes.includes('judicial:pii'), applicants: scopes.includes('legal-aid:pii') },
  });
  const me = cases.data?.me;
  const region = cases.data?.region;
  const down = downAgencies(cases.error);
  let body: ReactNode;
  if (cases.fetching && !cases.data) body = <p role="status">{t.loading}</p>;
  else if (!cases.data) body = <p role="alert">{t.badToken}: {cases.error?.graphQLErrors[0]?.message ?? cases.error?.message}</p>;
  else if (!region)
    // An agency whose case list failed took the region with it: name it.
    body = (
      <p>
        {[...down].map((agency) => (
          <Unavailable key={agency} t={t} agency={agency} />
        ))}
      </p>
    );
  else
    body = (
      <>
        <p data-testid="signed-in-as">{t.signedInAs(`${me?.subject ?? '?'}${me?.agency ? ` (${me.agency})` : ''}${me?.regions.length ? `, ${me.regions.join(' ')}` : ''}`)}</p>
        <h3>{t.legalAidList}</h3>
        {region?.legalAidCases == null ? (
          <Unavailable t={t} agency="legal-aid" />
        ) : region.legalAidCases.nodes.length === 0 ? (
          <p className="db-empty">{t.noCases}</p>
        ) : (
          <table className="db-table" data-testid="legal-aid-cases">
            <thead>
              <tr>
                <th scope="col">{t.caseNumber}</th>
                <th scope="col">{t.region}</th>
                <th scope="col">{t.category}</th>
                <th scope="col">{t.status}</th>
                <th scope="col">{t.date}</th>
                <th scope="col">{t.applicant}</th>
              </tr>
            </thead>
            <tbody>
              {region.legalAidCases.nodes.map((c) => (
                <tr key={c.id} data-region={c.region?.code}>
                  <td>{c.caseNumber}</td>
                  <td>{c.region?.name ?? '–'}</td>
                  <td>{c.category}</td>
                  <td>{c.status}</td>
                  <td>{c.appliedOn}</td>
                  <td data-testid="applicant">{c.applicant?.name ?? t.withheld}</td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
        <h3>{t.mediationList}</h3>
        {region?.mediationCases == null ? (
          <Unavailable t={t} agency="judicial" />
        ) : region.mediationCases.nodes.length === 0 ? (
          <p className="db-empty">{t.noCases}</p>
        ) : (
          <table className="db-table" data-testid="mediation-cases">
            <thead>
              <tr>
                <th scope="col">{t.region}</th>
                <th scope="col">{t.category}</th>
                <th scope="col">{t.status}</th>
                <th scope="col">{t.date}</th>
                <th scope="col">{t.parties}</th>
              </tr>
            </thead>
            <tbody>
              {region.mediationCases.nodes.map((c) => (
                <tr key={c.id}>
                  <td>{c.region?.name ?? '–'}</td>
                  <td>{c.category}</td>
                  <td>{c.outcome}</td>
                  <td>{c.receivedOn}</td>
                  <td>{c.parties ? c.parties.map((p) => p.name).join(', ') : t.withheld}</td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </>
    );
  return (
    <section className="db-panel" aria-labelledby="db-cases" data-testid="cases">
      <h2 id="db-cases">{t.cases}</h2>
      {body}
    </section>
  );
}
