// The reference dashboard (issue 14): the programme's figures for a region,
// its drill-down to villages, a period, monthly trends, Chinese and English,
// signing in with a token. Every agency's part of an answer may be missing
// (that agency down): the page then names the agency, and shows the rest.
import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import { Provider, useQuery } from 'urql';
import { downAgencies, lastKnownAgencies } from './agencies';
import { Cases } from './cases';
import { createHubClient } from './client';
import { Comparison } from './comparison';
import { YEARS } from './figures';
import { DashboardRegionDocument, DashboardTrendDocument, type DateRange } from './gql/graphql';
import { regionName, STRINGS, type Agency, type Lang, type Strings } from './i18n';
import { OfficePanel, VillagePanel, type RegionData } from './places';
import { Loading, Scorecard } from './scorecard';
import { SignIn } from './sign-in';
import { Trend } from './trend';

export const ROOT_CODE = '650000';

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
  // Figures the gateway served from its last good answer while the agency does not answer (issue 16).
  const stale = lastKnownAgencies(region.extensions);
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
            {[...stale].map(([agency, ageSeconds]) => (
              <p key={agency} className="db-down" role="status" data-testid={`last-known-${agency}`}>
                {t.lastKnownAgency(t.agencyShort[agency], t.age(ageSeconds))}
              </p>
            ))}
            <Scorecard t={t} locale={locale} region={data} down={down} stale={stale} />
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
