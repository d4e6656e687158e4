// What a township and a village show beyond the scorecard: the township's
// judicial office; the village's legal advisor, demonstration award, resident
// work team and projects (each from its own agency, each possibly missing).
import { Unavailable } from './agencies';
import { formatFigure } from './figures';
import type { DashboardRegionQuery } from './gql/graphql';
import type { Agency, Strings } from './i18n';

export type RegionData = NonNullable<DashboardRegionQuery['region']>;

export function OfficePanel({ t, office }: { t: Strings; office: NonNullable<RegionData['judicialOffice']> }) {
  return (
    <section className="db-panel" aria-labelledby="db-office" data-testid="office">
      <h2 id="db-office">
        {t.office}: {office.name}
      </h2>
      <dl className="db-facts">
        <div>
          <dt>{t.standardization}</dt>
          <dd data-testid="office-standardization">{t.standardizationValues[office.standardization]}</dd>
        </div>
        <div>
          <dt>{t.figures.demonstration}</dt>
          <dd data-testid="office-demonstration">{office.demonstration ? t.yes : t.no}</dd>
        </div>
        <div>
          <dt>{t.brand}</dt>
          <dd data-testid="office-brand">{office.brand ?? t.noBrand}</dd>
        </div>
        <div>
          <dt>{t.staff}</dt>
          <dd>{office.staffCount}</dd>
        </div>
        {office.serviceStation && (
          <div>
            <dt>{t.station}</dt>
            <dd>
              {office.serviceStation.name} ({office.serviceStation.services.join(', ')})
            </dd>
          </div>
        )}
      </dl>
    </section>
  );
}

export function VillagePanel({ t, locale, region, down }: { t: Strings; locale: string; region: RegionData; down: Set<Agency> }) {
  const advisor = region.legalAdvisor;
  const award = region.demonstrationAward;
  const team = region.residentTeam;
  const projects = region.projects;
  return (
    <section className="db-panel db-village" aria-labelledby="db-village" data-testid="village">
      <h2 id="db-village">{t.village}</h2>
      <div className="db-village-grid">
        <div>
          <h3>{t.advisor}</h3>
          {down.has('legal-aid') ? (
            <Unavailable t={t} agency="legal-aid" />
          ) : advisor ? (
            <p data-testid="advisor">
              {advisor.provider?.name} ({advisor.provider?.organisation}), {t.since} {advisor.since}; {t.consultations}: {advisor.consultations}
            </p>
          ) : (
            <p className="db-empty">{t.noAdvisor}</p>
          )}
        </div>
        <div>
          <h3>{t.award}</h3>
          {down.has('education') ? (
            <Unavailable t={t} agency="education" />
          ) : award ? (
            <p data-testid="award">
              {t.awardLevels[award.level] ?? award.level} · {award.year}
            </p>
          ) : (
            <p className="db-empty">{t.noAward}</p>
          )}
        </div>
        <div>
          <h3>{t.team}</h3>
          {down.has('partners') ? (
            <Unavailable t={t} agency="partners" />
          ) : team ? (
            <p data-testid="team">
              {team.partner?.name}, {team.members} {t.members}, {t.since} {team.since}
            </p>
          ) : (
            <p className="db-empty">{t.noTeam}</p>
          )}
        </div>
      </div>
      <h3>{t.projectsTitle}</h3>
      {down.has('partners') || !projects ? (
        <Unavailable t={t} agency="partners" />
      ) : projects.nodes.length === 0 ? (
        <p className="db-empty">{t.noProjects}</p>
      ) : (
        <table className="db-table" data-testid="projects">
          <thead>
            <tr>
              <th scope="col">{t.projectsTitle}</th>
              <th scope="col">{t.figures.partners}</th>
              <th scope="col">{t.status}</th>
              <th scope="col" className="db-num">
                {t.figures.budgetYuan}
              </th>
              <th scope="col">{t.figures.legalReviewRate}</th>
            </tr>
          </thead>
          <tbody>
            {projects.nodes.map((p) => (
              <tr key={p.id}>
                <td>{p.title}</td>
                <td>{p.partner?.name}</td>
                <td>{t.projectStatus[p.status] ?? p.status}</td>
                <td className="db-num">{formatFigure(p.budgetYuan, 'yuan', locale)}</td>
                <td>{p.legallyReviewed ? t.reviewed : t.notReviewed}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}
