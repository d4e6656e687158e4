// The legal aid agency's writes (contract/write.graphql): applications for
// legal aid and their life cycle (APPLIED, then ACCEPTED or REJECTED;
// ACCEPTED, then ASSIGNED; ASSIGNED, then CLOSED). Every write needs the scope
// legal-aid:write covering the case's region, checks all of its input before
// writing anything, and is one transaction together with its audit record.
// The checks and the insert of an application are shared with the CSV
// importer (import.ts), so a row of a file is held to the same rules.
import { sql, type Kysely, type Transaction, type Updateable } from 'kysely';
import { requireWriteAccess, requireWriteScope } from '../../platform/access/checks';
import { badUserInput, hubError } from '../../platform/core/errors';
import { townshipOfOfficeId } from '../../platform/core/region-codes';
import { isRecordId, regionExists, requirePastDate, requirePerson, requireRegion, today } from '../../platform/core/validation';
import { idempotentCreate, writeWithAudit, type WriteContext } from '../../platform/data/writes';
import { WRITE_SCOPE } from './scopes';
import type { LegalAidCaseRow, LegalAidCaseTable, LegalAidDatabase, PersonRecord } from './database';
import type { LegalAidApplicationInput, LegalAidCategory, LegalAidStatus } from './generated/resolvers-types';

export type LegalAidWriteContext = WriteContext<LegalAidDatabase>;


const CATEGORY_SET: Record<LegalAidCategory, true> = {
  CRIMINAL_DEFENCE: true, WAGE_ARREARS: true, FAMILY: true, LAND_CONTRACT: true, PERSONAL_INJURY: true, ADMINISTRATIVE: true, OTHER: true,
};
export const CATEGORIES = Object.keys(CATEGORY_SET) as LegalAidCategory[];

export function isCategory(value: string): value is LegalAidCategory {
  return Object.prototype.hasOwnProperty.call(CATEGORY_SET, value);
}

/** What the audit record of a case write names. */
const RECORD_TYPE = 'LegalAidCase';
export const APPLY_OPERATION = 'applyForLegalAid';

/** An application as checked: what is stored. */
export interface Application {
  requestId: string;
  regionCode: string;
  category: LegalAidCategory;
  appliedOn: string;
  applicant: PersonRecord;
  referredByOfficeId: string | null;
}

/**
 * Every check of an application that needs no database: throws
 * BAD_USER_INPUT naming the input field. The referring office may be any
 * township's judicial office in the directory, not only the applicant's own
 * (people are referred where they work or where the dispute arose).
 */
export function checkApplication(input: LegalAidApplicationInput): Application {
  const requestId = input.requestId.trim();
  if (requestId === '' || requestId.length > 100) throw badUserInput('input.requestId', 'must be 1 to 100 characters');
  const regionCode = requireRegion('input.regionCode', input.regionCode, ['VILLAGE', 'TOWNSHIP']);
  if (!isCategory(input.category)) throw badUserInput('input.category', `must be one of ${CATEGORIES.join(', ')}, not ${JSON.stringify(input.category)}`);
  const appliedOn = requirePastDate('input.appliedOn', input.appliedOn);
  const applicant = requirePerson('input.applicant', input.applicant);
  let referredByOfficeId: string | null = null;
  if (input.referredByOfficeId != null) {
    const field = 'input.referredByOfficeId';
    const officeId = input.referredByOfficeId;
    const township = townshipOfOfficeId(officeId);
    if (township === null) throw badUserInput(field, `${JSON.stringify(officeId)} is not a judicial office id ("JO-" and a township code)`);
    if (!regionExists(township)) throw badUserInput(field, `no judicial office has the id ${officeId} (no township has the code ${township})`);
    referredByOfficeId = officeId;
  }
  return { requestId, regionCode, category: input.category, appliedOn, applicant, referredByOfficeId };
}

/** "(2024) Xin 2922 Legal Aid No. ": the case numbers of a county's applications of a year, as the seed numbers them. */
export function caseNumberPrefix(appliedOn: string, regionCode: string): string {
  return `(${appliedOn.slice(0, 4)}) Xin ${regionCode.slice(2, 6)} Legal Aid No. `;
}

/**
 * The next case number of the application's county and year. A transaction
 * lock on that county and year makes concurrent applications take turns here,
 * so each gets its own serial (the unique case_number is the backstop).
 */
async function nextCaseNumber(trx: Transaction<LegalAidDatabase>, regionCode: string, appliedOn: string): Promise<string> {
  const prefix = caseNumberPrefix(appliedOn, regionCode);
  const county = regionCode.slice(0, 6);
  const year = appliedOn.slice(0, 4);
  await sql`select pg_advisory_xact_lock(hashtext(${`legal-aid:case-number:${prefix}`}))`.execute(trx);
  // The county's cases of the year: a range on the (region_code, applied_on) index.
  const { rows } = await sql<{ serial: number | null }>`
    select max(substring(case_number from ' No\\. ([0-9]+)$')::int) as serial
    from legal_aid_case
    where region_code >= ${county} and region_code < ${`${county}:`}
      and applied_on >= ${`${year}-01-01`} and applied_on <= ${`${year}-12-31`}
      and case_number like ${`${prefix}%`}`.execute(trx);
  return `${prefix}${(rows[0]?.serial ?? 0) + 1}`;
}

/** Stores a checked application (status APPLIED) with its new case number; returns the case id. */
export async function insertApplication(trx: Transaction<LegalAidDatabase>, application: Application): Promise<string> {
  const caseNumber = await nextCaseNumber(trx, application.regionCode, application.appliedOn);
  const { id } = await trx
    .insertInto('legal_aid_case')
    .values({
      case_number: caseNumber,
      region_code: application.regionCode,
      category: application.category,
      status: 'APPLIED',
      applied_on: application.appliedOn,
      decided_on: null,
      assigned_on: null,
      closed_on: null,
      referred_by_office_id: application.referredByOfficeId,
      provider_id: null,
      applicant: JSON.stringify(application.applicant),
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  return String(id);
}

function requireCaseWriteScope(ctx: LegalAidWriteContext): void {
  requireWriteScope(ctx.viewer, WRITE_SCOPE, `writing legal aid cases needs the scope ${WRITE_SCOPE}`);
}

/** The case as stored now (after the write's transaction committed). */
async function loadCase(db: Kysely<LegalAidDatabase>, id: string | number): Promise<LegalAidCaseRow | undefined> {
  return db.selectFrom('legal_aid_case').selectAll().where('id', '=', Number(id)).executeTakeFirst();
}

/** applyForLegalAid: a new case, APPLIED; idempotent by requestId. */
export async function applyForLegalAid(ctx: LegalAidWriteContext, input: LegalAidApplicationInput): Promise<LegalAidCaseRow> {
  requireCaseWriteScope(ctx);
  const application = checkApplication(input);
  requireWriteAccess(ctx.viewer, WRITE_SCOPE, application.regionCode);
  const id = await idempotentCreate(
    ctx,
    { operation: APPLY_OPERATION, requestId: input.requestId, input, recordType: RECORD_TYPE, fields: Object.keys(input) },
    (trx) => insertApplication(trx, application),
  );
  return (await loadCase(ctx.db, id))!;
}

/** The case a status change is about: NOT_FOUND when there is none, FORBIDDEN outside the caller's write regions. */
async function caseToChange(ctx: LegalAidWriteContext, id: string): Promise<LegalAidCaseRow> {
  requireCaseWriteScope(ctx);
  const found = isRecordId(id) ? await loadCase(ctx.db, id) : undefined;
  if (!found) throw hubError('NOT_FOUND', `id: no legal aid case has the id ${JSON.stringify(id)}`, { field: 'id' });
  requireWriteAccess(ctx.viewer, WRITE_SCOPE, found.region_code);
  return found;
}

function notAllowed(id: string | number, status: LegalAidStatus, from: LegalAidStatus, change: string) {
  return hubError('CONFLICT', `legal aid case ${id} is ${status}: it can be ${change} only while ${from}`);
}

/**
 * One status change: a conditional UPDATE (WHERE status = from) in one
 * transaction with the audit record, so of two concurrent changes only one
 * finds the case in `from`; the other is CONFLICT and writes nothing.
 */
async function changeStatus(
  ctx: LegalAidWriteContext,
  found: LegalAidCaseRow,
  from: LegalAidStatus,
  change: string,
  set: Updateable<LegalAidCaseTable>,
  fields: string[],
): Promise<LegalAidCaseRow> {
  if (found.status !== from) throw notAllowed(found.id, found.status, from, change);
  await writeWithAudit(ctx, async (trx) => {
    const updated = await trx.updateTable('legal_aid_case').set(set).where('id', '=', found.id).where('status', '=', from).returning('id').executeTakeFirst();
    if (!updated) {
      const now = await trx.selectFrom('legal_aid_case').select('status').where('id', '=', found.id).executeTakeFirstOrThrow();
      throw notAllowed(found.id, now.status, from, change);
    }
    return { result: undefined, record: { recordType: RECORD_TYPE, recordId: String(found.id), fields } };
  });
  return (await loadCase(ctx.db, found.id))!;
}

/** decideLegalAidCase: APPLIED -> ACCEPTED | REJECTED, decided today. */
export async function decideLegalAidCase(ctx: LegalAidWriteContext, id: string, accept: boolean): Promise<LegalAidCaseRow> {
  const found = await caseToChange(ctx, id);
  return changeStatus(ctx, found, 'APPLIED', 'decided', { status: accept ? 'ACCEPTED' : 'REJECTED', decided_on: today() }, ['status', 'decidedOn']);
}

/** assignLegalAidProvider: ACCEPTED -> ASSIGNED to an existing provider, assigned today. */
export async function assignLegalAidProvider(ctx: LegalAidWriteContext, id: string, providerId: string): Promise<LegalAidCaseRow> {
  const found = await caseToChange(ctx, id);
  const provider = await ctx.db.selectFrom('legal_aid_provider').select('id').where('id', '=', providerId).executeTakeFirst();
  if (!provider) throw badUserInput('providerId', `no legal aid provider has the id ${JSON.stringify(providerId)}`);
  return changeStatus(ctx, found, 'ACCEPTED', 'assigned', { status: 'ASSIGNED', assigned_on: today(), provider_id: provider.id }, [
    'status',
    'assignedOn',
    'provider',
  ]);
}

/** closeLegalAidCase: ASSIGNED -> CLOSED on a day not in the future and not before the assignment (nor so the application). */
export async function closeLegalAidCase(ctx: LegalAidWriteContext, id: string, closedOn: string): Promise<LegalAidCaseRow> {
  const found = await caseToChange(ctx, id);
  requirePastDate('closedOn', closedOn);
  if (found.status !== 'ASSIGNED') throw notAllowed(found.id, found.status, 'ASSIGNED', 'closed');
  // assignedOn is on or after appliedOn (and decidedOn): not before it is not before either.
  requirePastDate('closedOn', closedOn, { field: 'assignedOn', date: found.assigned_on! });
  return changeStatus(ctx, found, 'ASSIGNED', 'closed', { status: 'CLOSED', closed_on: closedOn }, ['status', 'closedOn']);
}
