import { readPage } from '../../../platform/data/pagination';
import type { JudicialOfficeResolvers } from '../generated/resolvers-types';
import { checkEventFilter } from './filters';

export const JudicialOffice: JudicialOfficeResolvers = {
  // Judicial owns offices; events refer to them by id, so the id is all this subgraph needs.
  __resolveReference: (reference) => ({ id: String(reference.id) }),
  educationEvents: (office, args, { loaders }) =>
    loaders.eventsOfOffice.load({ parent: office.id, page: readPage(args), filter: checkEventFilter(args.filter) }),
};
