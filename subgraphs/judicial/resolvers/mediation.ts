import type { MediationCaseResolvers } from '../generated/resolvers-types';

export const MediationCase: MediationCaseResolvers = {
  office: async (mediationCase, _args, { loaders }) => (await loaders.office.load(mediationCase.office_id))!,
  region: async (mediationCase, _args, { loaders }) => (await loaders.region.load(mediationCase.region_code))!,
  receivedOn: (mediationCase) => mediationCase.received_on,
  closedOn: (mediationCase) => mediationCase.closed_on,
  parties: (mediationCase) => mediationCase.parties,
};
