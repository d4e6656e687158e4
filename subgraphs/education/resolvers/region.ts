import { readPage } from '../../../platform/data/pagination';
import { checkPeriod } from '../../../platform/data/period';
import { checkSeriesYear } from '../../../platform/data/series';
import { levelOfCode } from '../../../platform/core/region-codes';
import type { RegionResolvers } from '../generated/resolvers-types';
import { checkEventFilter } from './filters';

export const Region: RegionResolvers = {
  // Judicial owns the directory; this subgraph's fields need only the code.
  // A malformed code is no region: null, as judicial answers.
  __resolveReference: (reference) => {
    const code = String(reference.code);
    return levelOfCode(code) === null ? null : { code };
  },
  educationStats: (region, args) => ({ parent: region.code, period: checkPeriod(args.period) }),
  educationSeries: (region, args, { loaders }) => loaders.series.load({ code: region.code, year: checkSeriesYear(args.year) }),
  educationEvents: (region, args, { loaders }) =>
    loaders.eventsInRegion.load({ parent: region.code, page: readPage(args), filter: checkEventFilter(args.filter) }),
  demonstrationAward: (region, _args, { loaders }) =>
    levelOfCode(region.code) === 'VILLAGE' ? loaders.award.load(region.code) : null,
};
