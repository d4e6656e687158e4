// The partners write API (contract/write.graphql). Every mutation: the scope
// partners:write first, then its input checked in full (BAD_USER_INPUT naming
// the field) and the project's village within the token's regions
// (FORBIDDEN), all before anything is written; then one transaction holding
// the change and its audit record; then the project as the read API shows it,
// read after the commit.
import { requireWriteAccess, requireWriteScope } from '../../../platform/access/checks';
import { today } from '../../../platform/core/validation';
import { idempotentCreate, writeWithAudit } from '../../../platform/data/writes';
import type { ProjectRow } from '../database';
import type { MutationResolvers } from '../generated/resolvers-types';
import type { Context } from '../models';
import { WRITE_SCOPE } from '../scopes';
import {
  changeStatus,
  checkProjectInput,
  checkProjectPartner,
  checkReviewingOffice,
  insertProject,
  markReviewed,
  NEXT_STATUSES,
  PROJECT_RECORD,
  readProject,
  requireProject,
  reviewConflict,
  statusConflict,
} from '../writes';

/** Thrown inside a transaction to roll it back when a concurrent review got there first. */
class AlreadyReviewed extends Error {}

async function committed(ctx: Context, id: string | number): Promise<ProjectRow> {
  const project = await readProject(ctx.db, id);
  if (!project) throw new Error(`project ${id} vanished after its write`);
  return project;
}

export const Mutation: MutationResolvers = {
  registerProject: async (_root, { input }, ctx) => {
    requireWriteScope(ctx.viewer, WRITE_SCOPE);
    const project = checkProjectInput(input);
    requireWriteAccess(ctx.viewer, WRITE_SCOPE, project.villageCode);
    await checkProjectPartner(ctx.db, project);
    const id = await idempotentCreate(
      ctx,
      { operation: 'registerProject', requestId: input.requestId, input, recordType: PROJECT_RECORD, fields: Object.keys(input) },
      (trx) => insertProject(trx, project),
    );
    return committed(ctx, id);
  },

  updateProjectStatus: async (_root, { id, status }, ctx) => {
    requireWriteScope(ctx.viewer, WRITE_SCOPE);
    const project = await requireProject(ctx.db, id, 'id');
    requireWriteAccess(ctx.viewer, WRITE_SCOPE, project.village_code);
    if (!NEXT_STATUSES[project.status].includes(status)) throw statusConflict(project.status, status);
    await writeWithAudit(ctx, async (trx) => {
      const fields = await changeStatus(trx, project, status, today());
      if (!fields) {
        // Another change came first: the project is no longer in the status this change starts from.
        const now = await readProject(trx, project.id);
        throw statusConflict(now?.status ?? project.status, status);
      }
      return { result: undefined, record: { recordType: PROJECT_RECORD, recordId: String(project.id), fields } };
    });
    return committed(ctx, project.id);
  },

  recordLegalReview: async (_root, { projectId, officeId }, ctx) => {
    requireWriteScope(ctx.viewer, WRITE_SCOPE);
    const project = await requireProject(ctx.db, projectId, 'projectId');
    requireWriteAccess(ctx.viewer, WRITE_SCOPE, project.village_code);
    const office = checkReviewingOffice(officeId, project.village_code);
    // Reviewed already: by the same office, nothing changes (a repeated request); by another, CONFLICT.
    if (project.legally_reviewed) {
      if (project.reviewing_office_id === office) return project;
      throw reviewConflict(project, office);
    }
    try {
      await writeWithAudit(ctx, async (trx) => {
        if (!(await markReviewed(trx, project.id, office))) throw new AlreadyReviewed();
        return { result: undefined, record: { recordType: PROJECT_RECORD, recordId: String(project.id), fields: ['legallyReviewed', 'reviewingOffice'] } };
      });
    } catch (error) {
      if (!(error instanceof AlreadyReviewed)) throw error;
      // A concurrent review committed first: the same answer as if it had come before.
      const now = await committed(ctx, project.id);
      if (now.reviewing_office_id === office) return now;
      throw reviewConflict(now, office);
    }
    return committed(ctx, project.id);
  },
};
