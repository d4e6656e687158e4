import type { LegalAidCaseResolvers } from '../generated/resolvers-types';

export const LegalAidCase: LegalAidCaseResolvers = {
  caseNumber: (legalAidCase) => legalAidCase.case_number,
  appliedOn: (legalAidCase) => legalAidCase.applied_on,
  decidedOn: (legalAidCase) => legalAidCase.decided_on,
  assignedOn: (legalAidCase) => legalAidCase.assigned_on,
  closedOn: (legalAidCase) => legalAidCase.closed_on,
  region: (legalAidCase) => ({ code: legalAidCase.region_code }),
  referredBy: (legalAidCase) => (legalAidCase.referred_by_office_id ? { id: legalAidCase.referred_by_office_id } : null),
  provider: (legalAidCase, _args, { loaders }) => (legalAidCase.provider_id ? loaders.provider.load(legalAidCase.provider_id) : null),
  // Personal data; access checks come with the auth issue.
  applicant: (legalAidCase) => legalAidCase.applicant,
};
