import type { QueryResolvers } from '../generated/resolvers-types';

/** Case ids are positive whole numbers; anything else names no case. */
const CASE_ID = /^[1-9]\d{0,14}$/;

export const Query: QueryResolvers = {
  legalAidCase: (_root, { id }, { loaders }) => (CASE_ID.test(id) ? loaders.legalAidCase.load(id) : null),
};
