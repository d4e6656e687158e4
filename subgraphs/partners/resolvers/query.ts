import { readPage } from '../../../platform/data/pagination';
import type { QueryResolvers } from '../generated/resolvers-types';
import { ALL } from '../loaders';

export const Query: QueryResolvers = {
  partner: (_root, { id }, { loaders }) => loaders.partner.load(id),
  partners: (_root, args, { loaders }) => loaders.allPartners.load({ parent: ALL, page: readPage(args), filter: args.kind ?? null }),
  project: (_root, { id }, { loaders }) => loaders.project.load(id),
};
