// The monthly trend of a year of each agency's main figure: a line chart and a table.
import { useMemo } from 'react';
import type { useQuery } from 'urql';
import { downAgencies, Unavailable } from './agencies';
import { Chart, PALETTE } from './chart';
import { AGENCIES, formatFigure, YEARS } from './figures';
import type { DashboardTrendQuery } from './gql/graphql';
import type { Agency, Strings } from './i18n';

type TrendResult = ReturnType<typeof useQuery<DashboardTrendQuery>>[0];

export function Trend({ t, locale, year, setYear, trend }: { t: Strings; locale: string; year: number; setYear?: (y: number) => void; trend: TrendResult }) {
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
