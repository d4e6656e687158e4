// The judicial write API (contract/write.graphql). Each mutation: the scope
// judicial:write first, then the checks (BAD_USER_INPUT naming the field,
// NOT_FOUND for an unknown record), the write scope's regions covering the
// record, and then one transaction holding the write and its audit record.
// What it returns is read after the transaction has committed.
import { requireWriteAccess, requireWriteScope } from '../../../platform/access/checks';
import { hubError } from '../../../platform/core/errors';
import { idempotentCreate, writeWithAudit } from '../../../platform/data/writes';
import { WRITE_SCOPE } from '../scopes';
import type { MutationResolvers } from '../generated/resolvers-types';
import {
  checkClosing,
  checkMediationCaseInput,
  checkMediationCaseOffice,
  checkOfficeChange,
  closeCase,
  findCase,
  findOffice,
  insertMediationCase,
  updateOffice,
} from '../writes';

/** Thrown inside the transaction when an update changes nothing: it rolls back, so no audit record is left for a non-write. */
class NothingChanged extends Error {}

export const Mutation: MutationResolvers = {
  updateJudicialOffice: async (_root, { id, input }, ctx) => {
    requireWriteScope(ctx.viewer, WRITE_SCOPE);
    const office = await findOffice(ctx.db, id);
    if (!office) throw hubError('NOT_FOUND', `no judicial office has the id ${id}`);
    requireWriteAccess(ctx.viewer, WRITE_SCOPE, office.township_code);
    const change = checkOfficeChange(input);
    try {
      const updated = await writeWithAudit(ctx, async (trx) => {
        const { office: row, changed } = await updateOffice(trx, id, change);
        if (changed.length === 0) throw new NothingChanged();
        return { result: row, record: { recordType: 'JudicialOffice', recordId: id, fields: changed } };
      });
      return updated;
    } catch (error) {
      if (!(error instanceof NothingChanged)) throw error;
      return (await findOffice(ctx.db, id))!;
    }
  },

  recordMediationCase: async (_root, { input }, ctx) => {
    requireWriteScope(ctx.viewer, WRITE_SCOPE);
    const checked = checkMediationCaseInput(input);
    await checkMediationCaseOffice(ctx.db, checked);
    requireWriteAccess(ctx.viewer, WRITE_SCOPE, checked.regionCode);
    const id = await idempotentCreate(
      ctx,
      // The same fields as a CSV import of the case records (platform/data/import.ts).
      { operation: 'recordMediationCase', requestId: checked.requestId, input: checked, recordType: 'MediationCase', fields: Object.keys(checked) },
      (trx) => insertMediationCase(trx, checked),
    );
    return (await findCase(ctx.db, id))!;
  },

  closeMediationCase: async (_root, { id, outcome, closedOn }, ctx) => {
    requireWriteScope(ctx.viewer, WRITE_SCOPE);
    const mediationCase = await findCase(ctx.db, id);
    if (!mediationCase) throw hubError('NOT_FOUND', `no mediation case has the id ${id}`);
    requireWriteAccess(ctx.viewer, WRITE_SCOPE, mediationCase.region_code);
    checkClosing(mediationCase, outcome, closedOn);
    const closed = await writeWithAudit(ctx, async (trx) => ({
      result: await closeCase(trx, id, outcome, closedOn),
      record: { recordType: 'MediationCase', recordId: String(mediationCase.id), fields: ['outcome', 'closedOn'] },
    }));
    return closed;
  },
};
