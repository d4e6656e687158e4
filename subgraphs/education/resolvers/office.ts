import { readPage } from '../../../platform/pagination';
import { checkPeriod } from '../../../platform/period';
import type { JudicialOfficeResolvers } from '../generated/resolvers-types';

export const JudicialOffice: JudicialOfficeResolvers = {
  // Judicial owns offices; events refer to them by id, so the id is all this subgraph needs.
  __resolveReference: (reference) => ({ id: String(reference.id) }),
  educationEvents: (office, args, { loaders }) => {
    checkPeriod(args.filter?.heldIn, 'filter.heldIn');
    return loaders.eventsOfOffice.load({ parent: office.id, page: readPage(args), filter: args.filter ?? null });
  },
};
