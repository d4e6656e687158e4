import { checkPeriod } from '../../../platform/data/period';
import type { JudicialOfficeResolvers } from '../generated/resolvers-types';

export const JudicialOffice: JudicialOfficeResolvers = {
  // The judicial subgraph owns the offices: the key is all this subgraph needs.
  __resolveReference: (reference) => ({ id: String(reference.id) }),
  legalAidReferrals: (office, args, { loaders }) => loaders.referrals.load({ parent: office.id, period: checkPeriod(args.period) }),
};
