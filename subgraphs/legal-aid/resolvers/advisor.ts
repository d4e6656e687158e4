import { checkPeriod } from '../../../platform/data/period';
import type { VillageLegalAdvisorResolvers } from '../generated/resolvers-types';

export const VillageLegalAdvisor: VillageLegalAdvisorResolvers = {
  village: (advisor) => ({ code: advisor.village_code }),
  provider: async (advisor, _args, { loaders }) => (await loaders.provider.load(advisor.provider_id))!,
  consultations: (advisor, args, { loaders }) =>
    loaders.consultations.load({ parent: advisor.village_code, period: checkPeriod(args.period) }),
};
