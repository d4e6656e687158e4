import { requireWriteAccess, requireWriteScope } from '../../../platform/access/checks';
import { idempotentCreate } from '../../../platform/data/writes';
import type { MutationResolvers } from '../generated/resolvers-types';
import { WRITE_SCOPE } from '../scopes';
import { checkEventInput, checkEventReferences, EVENT_FIELDS, EVENT_RECORD_TYPE, insertEvent, inputField, RECORD_EVENT } from '../writes';

export const Mutation: MutationResolvers = {
  recordEducationEvent: async (_root, { input }, ctx) => {
    // Without the scope nothing else is looked at; then the input, the region, the campaign; then one transaction.
    requireWriteScope(ctx.viewer, WRITE_SCOPE);
    const event = checkEventInput(input, inputField);
    requireWriteAccess(ctx.viewer, WRITE_SCOPE, event.regionCode);
    await checkEventReferences(ctx.db, event, inputField);
    // The checked input is what requestId is compared by: the same event spelt "uyghur" or "Uyghur" is the same request.
    const id = await idempotentCreate(
      ctx,
      { operation: RECORD_EVENT, requestId: event.requestId, input: event, recordType: EVENT_RECORD_TYPE, fields: [...EVENT_FIELDS] },
      (trx) => insertEvent(trx, event),
    );
    // Read after the commit: the event as the read API shows it.
    return ctx.db.selectFrom('education_event').selectAll().where('id', '=', id).executeTakeFirstOrThrow();
  },
};
