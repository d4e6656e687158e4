// The figures the dashboard shows, each from one agency's part of the
// DashboardRegion answer (types generated from the operation). Any agency's
// part may be null (that agency did not answer): a figure is then `null` and
// the page says which agency is unavailable.
import type { DashboardFiguresFragment } from './gql/graphql';
import type { Agency, Strings } from './i18n';

export type FigureKey = keyof Strings['figures'];
export type Format = 'int' | 'pct' | 'days' | 'yuan';

export interface Figure {
  key: FigureKey;
  agency: Agency;
  format: Format;
  get(region: DashboardFiguresFragment): number | null | undefined;
}

export const FIGURES: readonly Figure[] = [
  { key: 'offices', agency: 'judicial', format: 'int', get: (r) => r.judicialStats?.offices },
  // A share of nothing is no figure: a region without offices (a village) shows '–', not 0%.
  { key: 'standardizedRate', agency: 'judicial', format: 'pct', get: (r) => (r.judicialStats?.offices ? r.judicialStats.standardizedRate : null) },
  { key: 'demonstration', agency: 'judicial', format: 'int', get: (r) => r.judicialStats?.demonstration },
  { key: 'branded', agency: 'judicial', format: 'int', get: (r) => r.judicialStats?.branded },
  { key: 'mediationCases', agency: 'judicial', format: 'int', get: (r) => r.judicialStats?.mediationCases },
  { key: 'mediationSuccessRate', agency: 'judicial', format: 'pct', get: (r) => (r.judicialStats?.mediationCases ? r.judicialStats.mediationSuccessRate : null) },
  { key: 'applications', agency: 'legal-aid', format: 'int', get: (r) => r.legalAidStats?.applications },
  { key: 'accepted', agency: 'legal-aid', format: 'int', get: (r) => r.legalAidStats?.accepted },
  { key: 'closed', agency: 'legal-aid', format: 'int', get: (r) => r.legalAidStats?.closed },
  { key: 'averageDaysToClose', agency: 'legal-aid', format: 'days', get: (r) => r.legalAidStats?.averageDaysToClose },
  { key: 'events', agency: 'education', format: 'int', get: (r) => r.educationStats?.events },
  { key: 'attendees', agency: 'education', format: 'int', get: (r) => r.educationStats?.attendees },
  { key: 'demonstrationVillages', agency: 'education', format: 'int', get: (r) => r.educationStats?.demonstrationVillages },
  { key: 'partners', agency: 'partners', format: 'int', get: (r) => r.revitalizationStats?.partners },
  { key: 'projects', agency: 'partners', format: 'int', get: (r) => r.revitalizationStats?.projects },
  { key: 'legalReviewRate', agency: 'partners', format: 'pct', get: (r) => r.revitalizationStats?.legalReviewRate },
  { key: 'budgetYuan', agency: 'partners', format: 'yuan', get: (r) => r.revitalizationStats?.budgetYuan },
];

export const AGENCIES: readonly Agency[] = ['judicial', 'legal-aid', 'education', 'partners'];

/** Whether an agency's part of a region's answer is there. */
export function agencyPart(region: DashboardFiguresFragment, agency: Agency): unknown {
  return { judicial: region.judicialStats, 'legal-aid': region.legalAidStats, education: region.educationStats, partners: region.revitalizationStats }[agency];
}

export const STANDARDIZATION_TARGET = 0.7;

/** The years the period and trend pickers offer. */
export const YEARS = [2020, 2021, 2022, 2023, 2024, 2025];

export function formatFigure(value: number | null | undefined, format: Format, locale: string): string {
  if (value === null || value === undefined) return '–';
  switch (format) {
    case 'pct':
      return new Intl.NumberFormat(locale, { style: 'percent', maximumFractionDigits: 1 }).format(value);
    case 'days':
      return new Intl.NumberFormat(locale, { maximumFractionDigits: 1 }).format(value);
    case 'yuan':
      return new Intl.NumberFormat(locale, { maximumFractionDigits: 0 }).format(value);
    default:
      return new Intl.NumberFormat(locale).format(value);
  }
}
