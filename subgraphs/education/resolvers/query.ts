import type { QueryResolvers } from '../generated/resolvers-types';

export const Query: QueryResolvers = {
  educationEvent: (_root, { id }, { loaders }) => loaders.event.load(id),
  campaign: (_root, { id }, { loaders }) => loaders.campaign.load(id),
  campaigns: (_root, _args, { db }) => db.selectFrom('campaign').selectAll().orderBy('starts_on').orderBy('id').execute(),
};
