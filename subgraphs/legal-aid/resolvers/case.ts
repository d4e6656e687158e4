import { requireRecordAccess } from '../../../platform/access/checks';
import type { LegalAidCaseResolvers } from '../generated/resolvers-types';
import { PII_SCOPE } from '../scopes';

export const LegalAidCase: LegalAidCaseResolvers = {
  caseNumber: (legalAidCase) => legalAidCase.case_number,
  appliedOn: (legalAidCase) => legalAidCase.applied_on,
  decidedOn: (legalAidCase) => legalAidCase.decided_on,
  assignedOn: (legalAidCase) => legalAidCase.assigned_on,
  closedOn: (legalAidCase) => legalAidCase.closed_on,
  region: (legalAidCase) => ({ code: legalAidCase.region_code }),
  referredBy: (legalAidCase) => (legalAidCase.referred_by_office_id ? { id: legalAidCase.referred_by_office_id } : null),
  provider: (legalAidCase, _args, { loaders }) => (legalAidCase.provider_id ? loaders.provider.load(legalAidCase.provider_id) : null),
  // Personal data: legal-aid:pii within the caller's regions, and on the audit record first.
  applicant: async (legalAidCase, _args, { viewer, audit }) => {
    requireRecordAccess(viewer, PII_SCOPE, legalAidCase.region_code, 'LegalAidCase.applicant');
    await audit.load({ recordType: 'LegalAidCase', recordId: String(legalAidCase.id), fields: ['applicant'] });
    return legalAidCase.applicant;
  },
};
