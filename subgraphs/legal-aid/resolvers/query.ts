import { listAuditRecords } from '../../../platform/data/audit';
import { forbidden } from '../../../platform/core/errors';
import { hasScope, requireRecordAccess } from '../../../platform/access/checks';
import { isRecordId } from '../../../platform/core/validation';
import type { QueryResolvers } from '../generated/resolvers-types';
import { AUDIT_SCOPE, CASES_SCOPE } from '../scopes';

export const Query: QueryResolvers = {
  // A case record: legal-aid:cases, and the case's region within the caller's regions.
  legalAidCase: async (_root, { id }, { loaders, viewer }) => {
    if (!hasScope(viewer, CASES_SCOPE)) throw forbidden(`legal aid cases need the scope ${CASES_SCOPE}`);
    const found = isRecordId(id) ? await loaders.legalAidCase.load(id) : null;
    if (found) requireRecordAccess(viewer, CASES_SCOPE, found.region_code, 'This legal aid case');
    return found;
  },
  legalAidAuditRecords: (_root, args, { db, viewer }) => listAuditRecords(db, viewer, AUDIT_SCOPE, args),
};
