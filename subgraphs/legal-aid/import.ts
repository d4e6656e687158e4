// `npm run import -- legal-aid <file.csv>` (through the gateway, the mutation
// importLegalAidApplications): applications for legal aid from a spreadsheet, each row held to applyForLegalAid's rules (writes.ts: the same
// checks and the same insert, case number included). Columns:
//   requestId,regionCode,category,appliedOn,applicantName,applicantIdNumber,applicantPhone,referredByOfficeId
// (the last three may be left empty or left out). A problem is reported with
// the column it is in.
import { inViewerRegions } from '../../platform/access/checks';
import { badUserInput, forbidden } from '../../platform/core/errors';
import { inColumn, type CsvImporter } from '../../platform/data/import';
import { WRITE_SCOPE } from './scopes';
import type { LegalAidDatabase } from './database';
import type { LegalAidApplicationInput } from './generated/resolvers-types';
import { APPLY_OPERATION, CATEGORIES, checkApplication, insertApplication, isCategory } from './writes';

/** Where each input field comes from in the file. */
const COLUMN_OF: Record<string, string> = {
  'input.requestId': 'requestId',
  'input.regionCode': 'regionCode',
  'input.category': 'category',
  'input.appliedOn': 'appliedOn',
  'input.applicant.name': 'applicantName',
  'input.applicant.idNumber': 'applicantIdNumber',
  'input.applicant.phone': 'applicantPhone',
  'input.referredByOfficeId': 'referredByOfficeId',
};

/** The mutation's checks, with the error naming the column instead of the input field. */
function checkRow(input: LegalAidApplicationInput) {
  try {
    return checkApplication(input);
  } catch (error) {
    throw inColumn(error, (field, reason) => (COLUMN_OF[field] ? [COLUMN_OF[field], reason] : undefined));
  }
}

/** An empty cell (or a column left out) is a field not given, as in the mutation's input. */
function cell(row: Record<string, string>, column: string): string | undefined {
  const value = row[column];
  return value === undefined || value === '' ? undefined : value;
}

export const applicationImporter: CsvImporter<LegalAidDatabase, LegalAidApplicationInput> = {
  field: 'importLegalAidApplications',
  rowsAre: 'applications for legal aid (applyForLegalAid)',
  scope: WRITE_SCOPE,
  operation: APPLY_OPERATION,
  recordType: 'LegalAidCase',
  columns: ['requestId', 'regionCode', 'category', 'appliedOn', 'applicantName', 'applicantIdNumber', 'applicantPhone', 'referredByOfficeId'],
  optional: ['applicantIdNumber', 'applicantPhone', 'referredByOfficeId'],
  parse(row) {
    if (row.requestId === '') throw badUserInput('requestId', 'must not be empty: it makes the row idempotent');
    if (!isCategory(row.category)) throw badUserInput('category', `must be one of ${CATEGORIES.join(', ')}, not ${JSON.stringify(row.category)}`);
    // The same shape as the mutation's input, so a requestId means the same request either way.
    const applicant: LegalAidApplicationInput['applicant'] = { name: row.applicantName };
    const idNumber = cell(row, 'applicantIdNumber');
    const phone = cell(row, 'applicantPhone');
    if (idNumber !== undefined) applicant.idNumber = idNumber;
    if (phone !== undefined) applicant.phone = phone;
    const input: LegalAidApplicationInput = { requestId: row.requestId, regionCode: row.regionCode, category: row.category, appliedOn: row.appliedOn, applicant };
    const office = cell(row, 'referredByOfficeId');
    if (office !== undefined) input.referredByOfficeId = office;
    return input;
  },
  // Everything is checked without the database: codes and office ids against the shared region directory.
  async validate(_db, input, viewer) {
    checkRow(input);
    // The importing caller's write scope is checked once per request (platform/server/operator.ts); its regions here, per row.
    if (!inViewerRegions(viewer, input.regionCode)) throw forbidden(`regionCode: ${input.regionCode} lies outside the regions of the import`);
  },
  write: (trx, input) => insertApplication(trx, checkApplication(input)),
};
