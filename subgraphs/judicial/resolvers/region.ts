import { judicialOfficeId } from '../../../platform/core/region-codes';
import { hasScope } from '../../../platform/access/checks';
import { emptyConnection, readPage } from '../../../platform/data/pagination';
import { CASES_SCOPE } from '../scopes';
import { checkPeriod } from '../../../platform/data/period';
import { checkSeriesYear } from '../../../platform/data/series';
import { officialChineseName } from '../../../platform/core/region-names-zh';
import type { RegionResolvers } from '../generated/resolvers-types';

export const Region: RegionResolvers = {
  __resolveReference: (reference, { loaders }) => loaders.region.load(String(reference.code)),
  nameZh: (region) => officialChineseName(region.code),
  parent: (region, _args, { loaders }) => (region.parent_code ? loaders.region.load(region.parent_code) : null),
  children: (region, _args, { loaders }) => loaders.children.load(region.code),
  judicialOffice: (region, _args, { loaders }) =>
    region.level === 'TOWNSHIP' ? loaders.office.load(judicialOfficeId(region.code)) : null,
  judicialOffices: (region, args, { loaders }) =>
    loaders.officesInRegion.load({ parent: region.code, page: readPage(args), filter: args.filter ?? null }),
  judicialStats: (region, args, { loaders }) =>
    loaders.stats.load({ parent: region.code, period: checkPeriod(args.period) }),
  judicialSeries: (region, args, { loaders }) => loaders.series.load({ code: region.code, year: checkSeriesYear(args.year) }),
  mediationCases: (region, args, { loaders, viewer }) => {
    checkPeriod(args.filter?.receivedIn, 'filter.receivedIn');
    const page = readPage(args);
    if (!hasScope(viewer, CASES_SCOPE)) return emptyConnection();
    return loaders.casesInRegion.load({ parent: region.code, page, filter: args.filter ?? null });
  },
};
