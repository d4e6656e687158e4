// The four agencies' scorecard of a region (the same at every level), and the page's loading state.
import { Unavailable } from './agencies';
import { AGENCIES, agencyPart, FIGURES, formatFigure, STANDARDIZATION_TARGET } from './figures';
import type { DashboardFiguresFragment } from './gql/graphql';
import type { Agency, Strings } from './i18n';

export function Loading({ t }: { t: Strings }) {
  return (
    <div className="db-loading-state" role="status" data-testid="loading">
      <p>{t.loading}</p>
      <div className="db-skeleton-row">
        {AGENCIES.map((a) => (
          <div key={a} className="db-card db-skeleton" aria-hidden="true" />
        ))}
      </div>
    </div>
  );
}

export function Scorecard({ t, locale, region, down, stale }: { t: Strings; locale: string; region: DashboardFiguresFragment; down: Set<Agency>; stale: Map<Agency, number> }) {
  return (
    <section aria-labelledby="db-scorecard" className="db-scorecard">
      <h2 id="db-scorecard" className="db-visually-hidden">
        {t.agencies.judicial} · {t.agencies['legal-aid']} · {t.agencies.education} · {t.agencies.partners}
      </h2>
      <div className="db-cards">
        {AGENCIES.map((agency) => {
          const missing = agencyPart(region, agency) == null || down.has(agency);
          return (
            <article key={agency} className={`db-card db-card-${agency}`} data-testid={`card-${agency}`} aria-labelledby={`db-card-${agency}`}>
              <h3 id={`db-card-${agency}`}>{t.agencies[agency]}</h3>
              {!missing && stale.has(agency) && (
                <p className="db-card-stale" data-testid={`stale-${agency}`}>
                  {t.lastKnownTag(t.age(stale.get(agency)!))}
                </p>
              )}
              {missing ? (
                <p className="db-card-missing">
                  <Unavailable t={t} agency={agency} />
                </p>
              ) : (
                <dl>
                  {FIGURES.filter((f) => f.agency === agency).map((figure) => (
                    <div key={figure.key} className="db-figure" data-testid={`figure-${figure.key}`}>
                      <dt>{t.figures[figure.key]}</dt>
                      <dd>
                        {formatFigure(figure.get(region), figure.format, locale)}
                        {figure.key === 'standardizedRate' && <Target value={figure.get(region) ?? 0} />}
                      </dd>
                    </div>
                  ))}
                </dl>
              )}
            </article>
          );
        })}
      </div>
    </section>
  );
}

function Target({ value }: { value: number }) {
  const met = value >= STANDARDIZATION_TARGET;
  return (
    <span className="db-target" aria-hidden="true">
      <span className="db-target-bar" style={{ width: `${Math.min(100, value * 100)}%` }} data-met={met} />
      <span className="db-target-mark" style={{ left: `${STANDARDIZATION_TARGET * 100}%` }} />
    </span>
  );
}
