import { readPage } from '../../../platform/data/pagination';
import { checkPeriod } from '../../../platform/data/period';
import { checkSeriesYear } from '../../../platform/data/series';
import { levelOfCode } from '../../../platform/core/region-codes';
import type { RegionResolvers } from '../generated/resolvers-types';
import { checkProjectFilter } from './filters';

export const Region: RegionResolvers = {
  // The judicial subgraph owns the directory: a region here is its code. A
  // code that is no division code is no region.
  __resolveReference: (reference) => {
    const code = String(reference.code);
    return levelOfCode(code) === null ? null : { code };
  },
  revitalizationStats: (region, args, { loaders }) =>
    loaders.stats.load({ parent: region.code, period: checkPeriod(args.period) }),
  revitalizationSeries: (region, args, { loaders }) => loaders.series.load({ code: region.code, year: checkSeriesYear(args.year) }),
  partners: (region, args, { loaders }) =>
    loaders.partnersInRegion.load({ parent: region.code, page: readPage(args), filter: args.kind ?? null }),
  projects: (region, args, { loaders }) => {
    const filter = checkProjectFilter(args.filter);
    return loaders.projectsInRegion.load({ parent: region.code, page: readPage(args), filter });
  },
  residentTeam: (region, _args, { loaders }) =>
    levelOfCode(region.code) === 'VILLAGE' ? loaders.teamOfVillage.load(region.code) : null,
};
