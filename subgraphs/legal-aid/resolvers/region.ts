import { hasScope } from '../../../platform/access/checks';
import { emptyConnection, readPage } from '../../../platform/data/pagination';
import { CASES_SCOPE } from '../scopes';
import { checkPeriod } from '../../../platform/data/period';
import { checkSeriesYear } from '../../../platform/data/series';
import { levelOfCode } from '../../../platform/core/region-codes';
import type { RegionResolvers } from '../generated/resolvers-types';

export const Region: RegionResolvers = {
  // The judicial subgraph owns the directory: the key is all this subgraph
  // needs. A code that is no division code is no region.
  __resolveReference: (reference) => {
    const code = String(reference.code);
    return levelOfCode(code) === null ? null : { code };
  },
  legalAidStats: (region, args, { loaders }) => loaders.stats.load({ parent: region.code, period: checkPeriod(args.period) }),
  legalAidSeries: (region, args, { loaders }) => loaders.series.load({ code: region.code, year: checkSeriesYear(args.year) }),
  legalAidCases: (region, args, { loaders, viewer }) => {
    checkPeriod(args.filter?.appliedIn, 'filter.appliedIn');
    const page = readPage(args);
    if (!hasScope(viewer, CASES_SCOPE)) return emptyConnection();
    return loaders.casesInRegion.load({ parent: region.code, page, filter: args.filter ?? null });
  },
  legalAdvisor: (region, _args, { loaders }) =>
    levelOfCode(region.code) === 'VILLAGE' ? loaders.advisorOfVillage.load(region.code) : null,
};
