import { requireRecordAccess } from '../../../platform/access/checks';
import type { MediationCaseResolvers } from '../generated/resolvers-types';
import { PII_SCOPE } from '../scopes';

export const MediationCase: MediationCaseResolvers = {
  office: async (mediationCase, _args, { loaders }) => (await loaders.office.load(mediationCase.office_id))!,
  region: async (mediationCase, _args, { loaders }) => (await loaders.region.load(mediationCase.region_code))!,
  receivedOn: (mediationCase) => mediationCase.received_on,
  closedOn: (mediationCase) => mediationCase.closed_on,
  // Personal data: judicial:pii within the caller's regions, and on the audit record first.
  parties: async (mediationCase, _args, { viewer, audit }) => {
    requireRecordAccess(viewer, PII_SCOPE, mediationCase.region_code, 'MediationCase.parties');
    await audit.load({ recordType: 'MediationCase', recordId: String(mediationCase.id), fields: ['parties'] });
    return mediationCase.parties;
  },
};
