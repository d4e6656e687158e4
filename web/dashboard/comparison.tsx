// A region's subdivisions compared on a chosen figure: a bar chart and, beside
// it, a table with the same figures, sortable by name or figure; a name opens that region.
import { useMemo, useState } from 'react';
import { Unavailable } from './agencies';
import { Chart } from './chart';
import { agencyPart, FIGURES, formatFigure, type Figure, type FigureKey } from './figures';
import { regionName, type Agency, type Lang, type Strings } from './i18n';
import type { RegionData } from './places';

export function Comparison({ t, lang, locale, region, open, down }: { t: Strings; lang: Lang; locale: string; region: RegionData; open(code: string): void; down: Set<Agency> }) {
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
