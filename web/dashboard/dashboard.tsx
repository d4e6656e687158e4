// The reference dashboard (issue 14): the programme's figures for a region,
// its drill-down to villages, a period, monthly trends, Chinese and English,
// signing in with a token. Every agency's part of an answer may be missing
// (that agency down): the page then names the agency, and shows the rest.
import { useCallback, useEffect, useMemo, useRef, useState, type ReactNode } from 'react';
import { Provider, useQuery, type CombinedError } from 'urql';
import type { DevTokenAnswer, ExplorerConfig, DevTokenChoice } from '../../gateway/explorer-config';
import { hubJson } from '../shared/hub';
import { Chart, PALETTE } from './chart';
import { createHubClient } from './client';
import { AGENCIES, agencyPart, FIGURES, formatFigure, STANDARDIZATION_TARGET, type Figure, type FigureKey } from './figures';
import {
  DashboardCasesDocument,
  DashboardRegionDocument,
  DashboardTrendDocument,
  type DashboardFiguresFragment,
  type DashboardRegionQuery,
  type DateRange,
} from './gql/graphql';
import { regionName, STRINGS, type Agency, type Lang, type Strings } from './i18n';

export const ROOT_CODE = '650000';
const YEARS = [2020, 2021, 2022, 2023, 2024, 2025];
const DEFAULT_YEAR = 2023;

type PeriodMode = 'all' | 'year' | 'range';
interface PeriodChoice {
  mode: PeriodMode;
  year: number;
  from: string;
  to: string;
}

function periodVariable(p: PeriodChoice): DateRange | null {
  if (p.mode === 'year') return { from: `${p.year}-01-01`, to: `${p.year}-12-31` };
  if (p.mode === 'range') return { from: p.from || null, to: p.to || null };
  return null;
}

/** The region code in the address (#652922), so that back, forward and links work. */
function codeFromHash(): string {
  const code = window.location.hash.replace(/^#\/?/, '');
  return /^\d{6}(\d{3}){0,2}$/.test(code) ? code : ROOT_CODE;
}

/** Agencies the gateway said did not answer (SUBGRAPH_UNAVAILABLE / SUBGRAPH_TIMEOUT with extensions.agency). */
function downAgencies(error: CombinedError | undefined): Set<Agency> {
  const down = new Set<Agency>();
  for (const e of error?.graphQLErrors ?? []) {
    const agency = e.extensions?.agency;
    if (typeof agency === 'string' && (AGENCIES as readonly string[]).includes(agency)) down.add(agency as Agency);
  }
  return down;
}

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

export function Dashboard() {
  const [lang, setLang] = useState<Lang>(() => (localStorage.getItem('dashboard-lang') === 'en' ? 'en' : 'zh'));
  const [token, setToken] = useState<string | null>(null);
  const client = useMemo(() => createHubClient(token), [token]);
  useEffect(() => {
    localStorage.setItem('dashboard-lang', lang);
    document.documentElement.lang = lang === 'zh' ? 'zh-CN' : 'en';
    document.title = STRINGS[lang].title;
  }, [lang]);
  return (
    <Provider value={client}>
      <Page lang={lang} setLang={setLang} token={token} setToken={setToken} />
    </Provider>
  );
}

function Page({ lang, setLang, token, setToken }: { lang: Lang; setLang(l: Lang): void; token: string | null; setToken(t: string | null): void }) {
  const t = STRINGS[lang];
  const locale = lang === 'zh' ? 'zh-CN' : 'en';
  const [code, setCode] = useState(codeFromHash);
  const [period, setPeriod] = useState<PeriodChoice>({ mode: 'all', year: DEFAULT_YEAR, from: '2023-01-01', to: '2023-06-30' });
  const [trendYear, setTrendYear] = useState(DEFAULT_YEAR);
  const heading = useRef<HTMLHeadingElement>(null);
  const moved = useRef(false);

  useEffect(() => {
    const onHash = () => setCode(codeFromHash());
    window.addEventListener('hashchange', onHash);
    return () => window.removeEventListener('hashchange', onHash);
  }, []);
  const open = useCallback((next: string) => {
    moved.current = true;
    window.location.hash = next === ROOT_CODE ? '' : next;
    setCode(next);
  }, []);

  // Agencies left out of the question for this region and period: where an agency's failure nulls the
  // whole region (a non-null field of that agency), the page asks again without it and shows the rest.
  const askedFor = JSON.stringify([code, period]);
  const [left, setLeft] = useState<{ key: string; agencies: Agency[] }>({ key: askedFor, agencies: [] });
  const leftOut = left.key === askedFor ? left.agencies : [];
  const variables = useMemo(
    () => ({ code, period: periodVariable(period), legalAid: !leftOut.includes('legal-aid'), education: !leftOut.includes('education'), partners: !leftOut.includes('partners') }),
    // eslint-disable-next-line react-hooks/exhaustive-deps
    [code, period, leftOut.join()],
  );
  const [region, reexecute] = useQuery({ query: DashboardRegionDocument, variables });
  const year = period.mode === 'year' ? period.year : trendYear;
  const [trend] = useQuery({ query: DashboardTrendDocument, variables: { code, year } });

  const data = region.data?.region;
  const failed = downAgencies(region.error);
  const down = new Set<Agency>([...failed, ...leftOut]);
  const retryWithout = region.data && region.data.region === null && !region.fetching ? [...failed].filter((a) => a !== 'judicial' && !leftOut.includes(a)) : [];
  useEffect(() => {
    if (retryWithout.length) setLeft({ key: askedFor, agencies: [...leftOut, ...retryWithout] });
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [retryWithout.join(), askedFor]);
  useEffect(() => {
    // After a drill-down step, keyboard focus goes to the new region's heading.
    if (data && moved.current) {
      moved.current = false;
      heading.current?.focus();
    }
  }, [data]);

  const trail = data ? ancestors(data) : [];
  const busy = region.fetching;
  return (
    <div className="db-page">
      <a className="db-skip" href="#db-main">
        {lang === 'zh' ? '跳到正文' : 'Skip to the figures'}
      </a>
      <header className="db-header">
        <div>
          <p className="db-kicker">{t.subtitle}</p>
          <p className="db-title">{t.title}</p>
        </div>
        <div className="db-header-tools">
          <button type="button" className="db-lang" onClick={() => setLang(lang === 'zh' ? 'en' : 'zh')} aria-label={t.switchLanguageLabel} data-testid="language">
            {t.switchLanguage}
          </button>
          <SignIn t={t} token={token} setToken={setToken} />
        </div>
      </header>

      <nav aria-label={t.breadcrumb} className="db-breadcrumb" data-testid="breadcrumb">
        <ol>
          {trail.map((place) => (
            <li key={place.code}>
              <a href={`#${place.code === ROOT_CODE ? '' : place.code}`} onClick={(e) => (e.preventDefault(), open(place.code))}>
                {regionName(place, lang)}
              </a>
            </li>
          ))}
          {data && (
            <li aria-current="page">
              <span>{regionName(data, lang)}</span>
            </li>
          )}
        </ol>
      </nav>

      <PeriodPicker t={t} period={period} setPeriod={setPeriod} />

      <main id="db-main" aria-busy={busy} className={busy && data ? 'db-main db-refreshing' : 'db-main'}>
        {!data && (busy || retryWithout.length > 0) && <Loading t={t} />}
        {!data && !busy && region.error && !region.error.graphQLErrors.length && (
          <div className="db-problem" role="alert">
            <p>
              {t.failed}: {region.error.networkError?.message ?? region.error.message}
            </p>
            <button type="button" onClick={() => reexecute({ requestPolicy: 'network-only' })}>
              {t.retry}
            </button>
          </div>
        )}
        {!data && !busy && retryWithout.length === 0 && region.data && region.data.region === null && (
          <div className="db-problem" role="alert" data-testid="no-region">
            <p>{down.has('judicial') ? t.directoryUnavailable : down.size ? [...down].map((a) => t.unavailable(t.agencyShort[a])).join(' ') : t.noRegion}</p>
            <a href="#" onClick={(e) => (e.preventDefault(), open(ROOT_CODE))}>
              {regionName({ name: 'Xinjiang Uyghur Autonomous Region', nameZh: '新疆维吾尔自治区' }, lang)}
            </a>
          </div>
        )}
        {data && (
          <>
            <h1 ref={heading} tabIndex={-1} data-testid="region-name">
              {regionName(data, lang)}
              {lang === 'zh' ? null : data.nameZh ? <span className="db-name-zh" lang="zh-CN"> {data.nameZh}</span> : null}
              <span className="db-level"> · {t.levels[data.level]}</span>
            </h1>
            {[...down].map((agency) => (
              <p key={agency} className="db-down" role="status" data-testid={`down-${agency}`}>
                {t.unavailableAgency(t.agencyShort[agency])}
              </p>
            ))}
            <Scorecard t={t} locale={locale} region={data} down={down} />
            {data.judicialOffice && <OfficePanel t={t} office={data.judicialOffice} />}
            {data.level === 'VILLAGE' && <VillagePanel t={t} locale={locale} region={data} down={down} />}
            <Comparison t={t} lang={lang} locale={locale} region={data} open={open} down={down} />
            <Trend t={t} locale={locale} year={year} setYear={period.mode === 'year' ? undefined : setTrendYear} trend={trend} />
            {token && <Cases t={t} code={code} token={token} />}
          </>
        )}
      </main>
    </div>
  );
}

type RegionData = NonNullable<DashboardRegionQuery['region']>;
type Place = { code: string; name: string; nameZh?: string | null; level: string };

function ancestors(region: RegionData): Place[] {
  const out: Place[] = [];
  let p: (Place & { parent?: unknown }) | null | undefined = region.parent;
  while (p) {
    out.unshift(p);
    p = (p as { parent?: Place | null }).parent;
  }
  return out;
}

function Loading({ t }: { t: Strings }) {
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

function PeriodPicker({ t, period, setPeriod }: { t: Strings; period: PeriodChoice; setPeriod(p: PeriodChoice): void }) {
  const invalid = period.mode === 'range' && period.from && period.to && period.from > period.to;
  return (
    <fieldset className="db-period" data-testid="period">
      <legend>{t.period}</legend>
      {(['all', 'year', 'range'] as const).map((mode) => (
        <label key={mode}>
          <input type="radio" name="period" value={mode} checked={period.mode === mode} onChange={() => setPeriod({ ...period, mode })} />
          {mode === 'all' ? t.allTime : mode === 'year' ? t.year : t.range}
        </label>
      ))}
      {period.mode === 'year' && (
        <label>
          <span className="db-visually-hidden">{t.year}</span>
          <select value={period.year} onChange={(e) => setPeriod({ ...period, year: Number(e.target.value) })} data-testid="period-year">
            {YEARS.map((y) => (
              <option key={y} value={y}>
                {y}
              </option>
            ))}
          </select>
        </label>
      )}
      {period.mode === 'range' && (
        <>
          <label>
            {t.from} <input type="date" value={period.from} onChange={(e) => setPeriod({ ...period, from: e.target.value })} />
          </label>
          <label>
            {t.to} <input type="date" value={period.to} onChange={(e) => setPeriod({ ...period, to: e.target.value })} />
          </label>
          {invalid && <span role="alert">{`${t.from} > ${t.to}`}</span>}
        </>
      )}
    </fieldset>
  );
}

function Unavailable({ t, agency }: { t: Strings; agency: Agency }) {
  return (
    <span className="db-unavailable" data-testid={`unavailable-${agency}`}>
      {t.unavailable(t.agencyShort[agency])}
    </span>
  );
}

function Scorecard({ t, locale, region, down }: { t: Strings; locale: string; region: DashboardFiguresFragment; down: Set<Agency> }) {
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

function OfficePanel({ t, office }: { t: Strings; office: NonNullable<RegionData['judicialOffice']> }) {
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

function VillagePanel({ t, locale, region, down }: { t: Strings; locale: string; region: RegionData; down: Set<Agency> }) {
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
              {advisor.provider.name} ({advisor.provider.organisation}), {t.since} {advisor.since}; {t.consultations}: {advisor.consultations}
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
              {team.partner.name}, {team.members} {t.members}, {t.since} {team.since}
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
                <td>{p.partner.name}</td>
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

function Comparison({ t, lang, locale, region, open, down }: { t: Strings; lang: Lang; locale: string; region: RegionData; open(code: string): void; down: Set<Agency> }) {
  const [key, setKey] = useState<FigureKey>('standardizedRate');
  const [sort, setSort] = useState<{ by: 'name' | 'figure'; descending: boolean }>({ by: 'figure', descending: true });
  const figure = FIGURES.find((f) => f.key === key) as Figure;
  const missing = down.has(figure.agency) || region.children.some((c) => agencyPart(c, figure.agency) == null);
  const rows = useMemo(() => {
    const named = region.children.map((c) => ({ code: c.code, name: regionName(c, lang), value: figure.get(c) ?? null }));
    const direction = sort.descending ? -1 : 1;
    return named.sort((a, b) =>
      sort.by === 'name' ? direction * a.name.localeCompare(b.name, lang === 'zh' ? 'zh-CN' : 'en') : direction * ((a.value ?? -Infinity) - (b.value ?? -Infinity)) || a.code.localeCompare(b.code),
    );
  }, [region.children, figure, sort, lang]);
  const option = useMemo(
    () => ({
      grid: { left: 8, right: 16, top: 8, bottom: 8, containLabel: true },
      tooltip: { trigger: 'axis' },
      xAxis: { type: 'value', axisLabel: figure.format === 'pct' ? { formatter: (v: number) => `${Math.round(v * 100)}%` } : {} },
      yAxis: { type: 'category', inverse: true, data: rows.map((r) => r.name), axisLabel: { color: '#1f2937' } },
      series: [{ type: 'bar', name: t.figures[key], data: rows.map((r) => r.value), itemStyle: { color: '#1d4ed8' } }],
    }),
    [rows, key, t, figure],
  );
  if (region.children.length === 0) {
    return (
      <section className="db-panel" aria-labelledby="db-compare">
        <h2 id="db-compare">{t.compare}</h2>
        <p className="db-empty" data-testid="no-children">
          {t.noChildren}
        </p>
      </section>
    );
  }
  const childLevel = t.childLevels[region.children[0].level] ?? t.levels[region.children[0].level];
  const sortButton = (by: 'name' | 'figure', label: string) => (
    <button
      type="button"
      className="db-sort"
      onClick={() => setSort({ by, descending: sort.by === by ? !sort.descending : by === 'figure' })}
      aria-label={t.sortBy(label)}
      data-testid={`sort-${by}`}
    >
      {label} {sort.by === by ? (sort.descending ? '▼' : '▲') : ''}
    </button>
  );
  return (
    <section className="db-panel" aria-labelledby="db-compare" data-testid="comparison">
      <div className="db-panel-head">
        <h2 id="db-compare">
          {t.compare} {childLevel}
        </h2>
        <label>
          {t.compareFigure}{' '}
          <select value={key} onChange={(e) => setKey(e.target.value as FigureKey)} data-testid="compare-figure">
            {FIGURES.map((f) => (
              <option key={f.key} value={f.key}>
                {t.agencyShort[f.agency]}: {t.figures[f.key]}
              </option>
            ))}
          </select>
        </label>
      </div>
      {missing ? (
        <p>
          <Unavailable t={t} agency={figure.agency} />
        </p>
      ) : (
        <div className="db-chart-and-table">
          <Chart option={option} label={t.chartOf(`${t.figures[key]}, ${childLevel}`)} height={Math.max(200, rows.length * 26 + 40)} testId="compare-chart" />
          <table className="db-table" data-testid="compare-table">
            <caption className="db-visually-hidden">
              {t.compare} {childLevel}: {t.figures[key]}
            </caption>
            <thead>
              <tr>
                <th scope="col" aria-sort={sort.by === 'name' ? (sort.descending ? 'descending' : 'ascending') : 'none'}>
                  {sortButton('name', t.region)}
                </th>
                <th scope="col" className="db-num" aria-sort={sort.by === 'figure' ? (sort.descending ? 'descending' : 'ascending') : 'none'}>
                  {sortButton('figure', t.figures[key])}
                </th>
              </tr>
            </thead>
            <tbody>
              {rows.map((row) => (
                <tr key={row.code} data-code={row.code}>
                  <th scope="row">
                    <a href={`#${row.code}`} onClick={(e) => (e.preventDefault(), open(row.code))} aria-label={t.open(row.name)}>
                      {row.name}
                    </a>
                  </th>
                  <td className="db-num">{formatFigure(row.value, figure.format, locale)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </section>
  );
}

type TrendResult = ReturnType<typeof useQuery<import('./gql/graphql').DashboardTrendQuery>>[0];

function Trend({ t, locale, year, setYear, trend }: { t: Strings; locale: string; year: number; setYear?: (y: number) => void; trend: TrendResult }) {
  const region = trend.data?.region;
  const series: Record<Agency, { month: number; count: number }[] | null | undefined> = {
    judicial: region?.judicialSeries,
    'legal-aid': region?.legalAidSeries,
    education: region?.educationSeries,
    partners: region?.revitalizationSeries,
  };
  const down = downAgencies(trend.error);
  const months = Array.from({ length: 12 }, (_, i) => new Intl.DateTimeFormat(locale, { month: 'short' }).format(new Date(Date.UTC(year, i, 15))));
  const option = useMemo(
    () => ({
      grid: { left: 8, right: 16, top: 36, bottom: 8, containLabel: true },
      tooltip: { trigger: 'axis' },
      legend: { top: 0, textStyle: { color: '#1f2937' } },
      xAxis: { type: 'category', data: months },
      yAxis: { type: 'value' },
      series: AGENCIES.filter((a) => series[a]).map((a) => ({ type: 'line', name: t.trendFigures[a], color: PALETTE[AGENCIES.indexOf(a)], data: series[a]!.map((m) => m.count) })),
    }),
    // eslint-disable-next-line react-hooks/exhaustive-deps
    [trend.data, t, locale],
  );
  return (
    <section className="db-panel" aria-labelledby="db-trend" data-testid="trend">
      <div className="db-panel-head">
        <h2 id="db-trend">
          {t.trend} {year}
        </h2>
        {setYear && (
          <label>
            {t.trendYear}{' '}
            <select value={year} onChange={(e) => setYear(Number(e.target.value))} data-testid="trend-year">
              {YEARS.map((y) => (
                <option key={y} value={y}>
                  {y}
                </option>
              ))}
            </select>
          </label>
        )}
      </div>
      {!region ? (
        trend.fetching ? (
          <p role="status">{t.loading}</p>
        ) : (
          <p className="db-empty">–</p>
        )
      ) : (
        <div className="db-chart-and-table">
          <Chart option={option} label={t.lineOf} testId="trend-chart" />
          <table className="db-table" data-testid="trend-table">
            <caption className="db-visually-hidden">
              {t.trend} {year}
            </caption>
            <thead>
              <tr>
                <th scope="col">{t.month}</th>
                {AGENCIES.map((a) => (
                  <th key={a} scope="col" className="db-num">
                    {t.trendFigures[a]}
                  </th>
                ))}
              </tr>
            </thead>
            <tbody>
              {months.map((label, i) => (
                <tr key={label}>
                  <th scope="row">{label}</th>
                  {AGENCIES.map((a) => (
                    <td key={a} className="db-num">
                      {series[a] ? formatFigure(series[a]![i].count, 'int', locale) : i === 0 ? <Unavailable t={t} agency={a} /> : down.has(a) ? '' : '–'}
                    </td>
                  ))}
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </section>
  );
}

function SignIn({ t, token, setToken }: { t: Strings; token: string | null; setToken(t: string | null): void }) {
  const [open, setOpen] = useState(false);
  const [draft, setDraft] = useState('');
  const [roles, setRoles] = useState<DevTokenChoice[] | null>(null);
  const [role, setRole] = useState('');
  const [problem, setProblem] = useState<string | null>(null);
  useEffect(() => {
    if (!open || roles) return;
    // Development gateways offer example callers (POST /explorer/dev-token); production ones none.
    hubJson<ExplorerConfig>('/explorer/config').then(
      (config) => setRoles(config.devTokens ?? []),
      () => setRoles([]),
    );
  }, [open, roles]);
  const useRole = async () => {
    setProblem(null);
    try {
      const answer = await hubJson<DevTokenAnswer>('/explorer/dev-token', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ role }) });
      setToken(answer.token);
      setOpen(false);
    } catch (error) {
      setProblem((error as Error).message);
    }
  };
  if (token) {
    return (
      <button type="button" onClick={() => setToken(null)} data-testid="sign-out">
        {t.signOut}
      </button>
    );
  }
  return (
    <div className="db-signin">
      <button type="button" aria-expanded={open} aria-controls="db-signin-form" onClick={() => setOpen(!open)} data-testid="sign-in">
        {t.signIn}
      </button>
      {open && (
        <form
          id="db-signin-form"
          className="db-signin-form"
          onSubmit={(e) => {
            e.preventDefault();
            if (draft.trim()) {
              setToken(draft.trim());
              setOpen(false);
            }
          }}
        >
          <label>
            {t.token}
            <textarea value={draft} onChange={(e) => setDraft(e.target.value)} rows={3} placeholder={t.pasteToken} data-testid="token" />
          </label>
          <button type="submit">{t.signIn}</button>
          {roles && roles.length > 0 && (
            <div className="db-roles">
              <label>
                {t.exampleRole}{' '}
                <select value={role} onChange={(e) => setRole(e.target.value)} data-testid="role">
                  <option value="" />
                  {roles
                    .filter((r) => r.id !== 'anonymous')
                    .map((r) => (
                      <option key={r.id} value={r.id}>
                        {r.label}
                      </option>
                    ))}
                </select>
              </label>
              <button type="button" disabled={!role} onClick={useRole}>
                {t.signIn}
              </button>
            </div>
          )}
          {problem && <p role="alert">{problem}</p>}
        </form>
      )}
    </div>
  );
}

function Cases({ t, code, token }: { t: Strings; code: string; token: string }) {
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
                <tr key={c.id} data-region={c.region.code}>
                  <td>{c.caseNumber}</td>
                  <td>{c.region.name}</td>
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
                  <td>{c.region.name}</td>
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
