import { hasScope } from '../../../platform/access/checks';
import { emptyConnection, readPage } from '../../../platform/data/pagination';
import { CASES_SCOPE } from '../scopes';
import { checkPeriod } from '../../../platform/data/period';
import type { JudicialOfficeResolvers, PublicLegalServiceStationResolvers } from '../generated/resolvers-types';

export const JudicialOffice: JudicialOfficeResolvers = {
  __resolveReference: (reference, { loaders }) => loaders.office.load(String(reference.id)),
  township: async (office, _args, { loaders }) => (await loaders.region.load(office.township_code))!,
  staffCount: (office) => office.staff_count,
  serviceStation: (office, _args, { loaders }) => loaders.stationOfOffice.load(office.id),
  mediationCases: (office, args, { loaders, viewer }) => {
    checkPeriod(args.filter?.receivedIn, 'filter.receivedIn');
    const page = readPage(args);
    if (!hasScope(viewer, CASES_SCOPE)) return emptyConnection();
    return loaders.casesOfOffice.load({ parent: office.id, page, filter: args.filter ?? null });
  },
};

export const PublicLegalServiceStation: PublicLegalServiceStationResolvers = {
  region: async (station, _args, { loaders }) => (await loaders.region.load(station.region_code))!,
};
