// The legal aid write API: thin over writes.ts, which holds the rules.
import type { MutationResolvers } from '../generated/resolvers-types';
import { applyForLegalAid, assignLegalAidProvider, closeLegalAidCase, decideLegalAidCase } from '../writes';

export const Mutation: MutationResolvers = {
  applyForLegalAid: (_root, { input }, ctx) => applyForLegalAid(ctx, input),
  decideLegalAidCase: (_root, { id, accept }, ctx) => decideLegalAidCase(ctx, id, accept),
  assignLegalAidProvider: (_root, { id, providerId }, ctx) => assignLegalAidProvider(ctx, id, providerId),
  closeLegalAidCase: (_root, { id, closedOn }, ctx) => closeLegalAidCase(ctx, id, closedOn),
};
