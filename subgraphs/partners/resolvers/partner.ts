import { readPage } from '../../../platform/data/pagination';
import type { PartnerResolvers, ResidentTeamResolvers } from '../generated/resolvers-types';
import { checkProjectFilter } from './filters';

export const Partner: PartnerResolvers = {
  __resolveReference: (reference, { loaders }) => loaders.partner.load(String(reference.id)),
  regions: (partner, _args, { loaders }) => loaders.regionsOfPartner.load(partner.id),
  projects: (partner, args, { loaders }) => {
    const filter = checkProjectFilter(args.filter);
    return loaders.projectsOfPartner.load({ parent: partner.id, page: readPage(args), filter });
  },
};

export const ResidentTeam: ResidentTeamResolvers = {
  partner: async (team, _args, { loaders }) => (await loaders.partner.load(team.partner_id))!,
};
