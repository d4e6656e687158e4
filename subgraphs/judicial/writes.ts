// The judicial subgraph's writes (contract/write.graphql): the checks and the
// database writes that the mutations and the CSV import (import.ts) share.
// Every check throws BAD_USER_INPUT naming the input field before anything is
// written; access (judicial:write covering the record's region) is checked by
// the callers, which know who is writing.
import type { Kysely, Transaction } from 'kysely';
import { badUserInput, hubError } from '../../platform/core/errors';
import { townshipOf } from '../../platform/core/region-codes';
import { isRecordId, requireCount, requirePastDate, requirePerson, requireRegion, requireText } from '../../platform/core/validation';
import type { JudicialDatabase, JudicialOfficeRow, MediationCaseRow } from './database';
import type { MediationCategory, MediationOutcome, PersonInput, StandardizationStatus, UpdateJudicialOfficeInput } from './generated/resolvers-types';

const MAX_PARTIES = 20;
const MAX_STAFF_COUNT = 1000;
const MAX_BRAND_LENGTH = 100;
const MAX_REQUEST_ID_LENGTH = 100;

export const MEDIATION_CATEGORIES: readonly MediationCategory[] = ['MARRIAGE_FAMILY', 'NEIGHBOURHOOD', 'LAND_RESOURCES', 'LABOUR', 'CONTRACT', 'DAMAGES', 'OTHER'];
const STANDARDIZATION: readonly StandardizationStatus[] = ['NOT_STARTED', 'IN_PROGRESS', 'STANDARDIZED'];
/** The outcomes a PENDING case may be closed with. */
const CLOSING_OUTCOMES: readonly MediationOutcome[] = ['RESOLVED', 'UNRESOLVED', 'REFERRED'];


// ---------------------------------------------------------------------------
// updateJudicialOffice

/** The checked change of an office: only the fields given (null counts as not given). */
export interface OfficeChange {
  standardization?: StandardizationStatus;
  demonstration?: boolean;
  /** null removes the brand (the input's empty string). */
  brand?: string | null;
  staffCount?: number;
}

export function checkOfficeChange(input: UpdateJudicialOfficeInput): OfficeChange {
  const change: OfficeChange = {};
  if (input.standardization != null) {
    if (!STANDARDIZATION.includes(input.standardization)) throw badUserInput('input.standardization', `must be one of ${STANDARDIZATION.join(', ')}`);
    change.standardization = input.standardization;
  }
  if (input.demonstration != null) change.demonstration = input.demonstration;
  if (input.brand != null) change.brand = input.brand.trim() === '' ? null : requireText('input.brand', input.brand, MAX_BRAND_LENGTH);
  if (input.staffCount != null) change.staffCount = requireCount('input.staffCount', input.staffCount, MAX_STAFF_COUNT);
  if (Object.keys(change).length === 0) throw badUserInput('input', 'give at least one of standardization, demonstration, brand, staffCount');
  return change;
}

export async function findOffice(db: Kysely<JudicialDatabase>, id: string): Promise<JudicialOfficeRow | undefined> {
  return db.selectFrom('judicial_office').selectAll().where('id', '=', id).executeTakeFirst();
}

/**
 * Applies the change to the office, locked for the transaction, and says which
 * fields it changed (those whose value differs from the stored one).
 */
export async function updateOffice(trx: Transaction<JudicialDatabase>, id: string, change: OfficeChange): Promise<{ office: JudicialOfficeRow; changed: string[] }> {
  const current = await trx.selectFrom('judicial_office').selectAll().where('id', '=', id).forUpdate().executeTakeFirst();
  if (!current) throw hubError('NOT_FOUND', `no judicial office has the id ${id}`);
  const stored: Record<keyof OfficeChange, unknown> = {
    standardization: current.standardization,
    demonstration: current.demonstration,
    brand: current.brand,
    staffCount: current.staff_count,
  };
  const changed = (Object.keys(change) as (keyof OfficeChange)[]).filter((field) => change[field] !== stored[field]);
  if (changed.length === 0) return { office: current, changed };
  const office = await trx
    .updateTable('judicial_office')
    .set({
      ...(changed.includes('standardization') ? { standardization: change.standardization } : {}),
      ...(changed.includes('demonstration') ? { demonstration: change.demonstration } : {}),
      ...(changed.includes('brand') ? { brand: change.brand } : {}),
      ...(changed.includes('staffCount') ? { staff_count: change.staffCount } : {}),
    })
    .where('id', '=', id)
    .returningAll()
    .executeTakeFirstOrThrow();
  return { office, changed };
}

// ---------------------------------------------------------------------------
// recordMediationCase

/** A checked recordMediationCase input, in the input's own shape (so a replay hashes the same). */
export interface MediationCaseInput {
  requestId: string;
  officeId: string;
  regionCode: string;
  category: MediationCategory;
  receivedOn: string;
  parties: PersonInput[];
}

/** The checks that need no database: text, codes, dates, parties. Returns the input trimmed and normalized. */
export function checkMediationCaseInput(input: MediationCaseInput): MediationCaseInput {
  const requestId = requireText('input.requestId', input.requestId, MAX_REQUEST_ID_LENGTH);
  const officeId = requireText('input.officeId', input.officeId);
  const regionCode = requireRegion('input.regionCode', input.regionCode.trim(), ['VILLAGE', 'TOWNSHIP']);
  if (!MEDIATION_CATEGORIES.includes(input.category)) throw badUserInput('input.category', `must be one of ${MEDIATION_CATEGORIES.join(', ')}`);
  const receivedOn = requirePastDate('input.receivedOn', input.receivedOn);
  if (input.parties.length === 0) throw badUserInput('input.parties', 'must name at least one party');
  if (input.parties.length > MAX_PARTIES) throw badUserInput('input.parties', `must name at most ${MAX_PARTIES} parties, not ${input.parties.length}`);
  // Absent and null idNumber or phone are the same (inputHash leaves nulls out): a replay compares equal.
  const parties = input.parties.map((person, i) => requirePerson(`input.parties[${i}]`, person));
  return { requestId, officeId, regionCode, category: input.category, receivedOn, parties };
}

/** The checks against the database: the office exists and the region lies in its township. */
export async function checkMediationCaseOffice(db: Kysely<JudicialDatabase>, input: MediationCaseInput): Promise<JudicialOfficeRow> {
  const office = await findOffice(db, input.officeId);
  if (!office) throw badUserInput('input.officeId', `no judicial office has the id ${input.officeId}`);
  if (townshipOf(input.regionCode) !== office.township_code) {
    throw badUserInput('input.regionCode', `must be the office's township ${office.township_code} or one of its villages, not ${input.regionCode}`);
  }
  return office;
}

/** Inserts a checked case, PENDING; returns its id. */
export async function insertMediationCase(trx: Transaction<JudicialDatabase>, input: MediationCaseInput): Promise<string> {
  const { id } = await trx
    .insertInto('mediation_case')
    .values({
      office_id: input.officeId,
      region_code: input.regionCode,
      category: input.category,
      received_on: input.receivedOn,
      closed_on: null,
      outcome: 'PENDING',
      parties: JSON.stringify(input.parties.map((p) => ({ name: p.name, idNumber: p.idNumber ?? null, phone: p.phone ?? null }))),
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  return String(id);
}

export async function findCase(db: Kysely<JudicialDatabase>, id: string): Promise<MediationCaseRow | undefined> {
  if (!isRecordId(id)) return undefined;
  return db.selectFrom('mediation_case').selectAll().where('id', '=', Number(id)).executeTakeFirst();
}

// ---------------------------------------------------------------------------
// closeMediationCase

/**
 * Closing needs a closing outcome: PENDING is not one, so asking for it is
 * bad input whatever the case's state (BAD_USER_INPUT on `outcome`), not a
 * life-cycle conflict. closedOn is a real date, not before receivedOn and not
 * in the future.
 */
export function checkClosing(mediationCase: MediationCaseRow, outcome: MediationOutcome, closedOn: string): void {
  if (!CLOSING_OUTCOMES.includes(outcome)) throw badUserInput('outcome', `must be a closing outcome (${CLOSING_OUTCOMES.join(', ')}), not ${outcome}`);
  requirePastDate('closedOn', closedOn, { field: 'receivedOn', date: mediationCase.received_on });
}

/**
 * Closes a PENDING case. The state check is the UPDATE's own condition, so of
 * two concurrent closings only one passes; the other is CONFLICT.
 */
export async function closeCase(trx: Transaction<JudicialDatabase>, id: string, outcome: MediationOutcome, closedOn: string): Promise<MediationCaseRow> {
  const closed = await trx
    .updateTable('mediation_case')
    .set({ outcome, closed_on: closedOn })
    .where('id', '=', Number(id))
    .where('outcome', '=', 'PENDING')
    .returningAll()
    .executeTakeFirst();
  if (closed) return closed;
  const current = await trx.selectFrom('mediation_case').select('outcome').where('id', '=', Number(id)).executeTakeFirst();
  if (!current) throw hubError('NOT_FOUND', `no mediation case has the id ${id}`);
  throw hubError('CONFLICT', `mediation case ${id} is ${current.outcome}: only a PENDING case can be closed`);
}
