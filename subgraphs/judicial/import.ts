// `npm run import -- judicial <file.csv>` (through the gateway, the mutation
// importMediationCases): mediation case records from a spreadsheet, one recordMediationCase per row, through the same checks and
// the same insert as the mutation (writes.ts). Columns:
//
//   requestId,officeId,regionCode,category,receivedOn,partyNames,partyIdNumbers,partyPhones
//
// partyNames lists the parties separated by `;`; partyIdNumbers and
// partyPhones (optional) list theirs in the same order, one item per party
// (an item may be empty: "652922199003070014;" gives the second party none).
// A problem is reported by column: `partyIdNumbers: party 2 is not a valid ...`.
import { inViewerRegions } from '../../platform/access/checks';
import { badUserInput, forbidden } from '../../platform/core/errors';
import { inColumn, type CsvImporter } from '../../platform/data/import';
import { WRITE_SCOPE } from './scopes';
import type { JudicialDatabase } from './database';
import type { MediationCategory } from './generated/resolvers-types';
import { checkMediationCaseInput, checkMediationCaseOffice, insertMediationCase, MEDIATION_CATEGORIES, type MediationCaseInput } from './writes';

const MEDIATION_CASE_COLUMNS = ['requestId', 'officeId', 'regionCode', 'category', 'receivedOn', 'partyNames', 'partyIdNumbers', 'partyPhones'] as const;

const PERSON_COLUMNS: Record<string, string> = { name: 'partyNames', idNumber: 'partyIdNumbers', phone: 'partyPhones' };

/** A check's error on an input field (`input.parties[1].idNumber`), told by the column it came from (`partyIdNumbers: party 2 ...`). */
function byColumn(error: unknown): unknown {
  return inColumn(error, (field, reason) => {
    const party = /^input\.parties\[(\d+)\]\.(\w+)$/.exec(field);
    if (party) return [PERSON_COLUMNS[party[2]] ?? 'partyNames', `party ${Number(party[1]) + 1} ${reason}`];
    if (field === 'input.parties') return ['partyNames', reason];
    return [field.replace(/^input\./, ''), reason];
  });
}

/** A list cell split by `;`, keeping positions (an empty item stays, as ''). */
function items(cell: string | undefined): string[] {
  return cell == null || cell.trim() === '' ? [] : cell.split(';').map((item) => item.trim());
}

export const mediationCaseImporter: CsvImporter<JudicialDatabase, MediationCaseInput> = {
  field: 'importMediationCases',
  rowsAre: 'mediation case records (recordMediationCase)',
  scope: WRITE_SCOPE,
  operation: 'recordMediationCase',
  recordType: 'MediationCase',
  columns: MEDIATION_CASE_COLUMNS,
  optional: ['partyIdNumbers', 'partyPhones'],
  parse(row) {
    const names = items(row.partyNames);
    const idNumbers = items(row.partyIdNumbers);
    const phones = items(row.partyPhones);
    for (const [column, list] of [['partyIdNumbers', idNumbers], ['partyPhones', phones]] as const) {
      if (list.length && list.length !== names.length) {
        throw badUserInput(column, `has ${list.length} items for ${names.length} parties: give one per party, separated by ";" (an item may be empty)`);
      }
    }
    if (!MEDIATION_CATEGORIES.includes(row.category as MediationCategory)) {
      throw badUserInput('category', `must be one of ${MEDIATION_CATEGORIES.join(', ')}, not ${JSON.stringify(row.category)}`);
    }
    try {
      return checkMediationCaseInput({
        requestId: row.requestId,
        officeId: row.officeId,
        regionCode: row.regionCode,
        category: row.category as MediationCategory,
        receivedOn: row.receivedOn,
        parties: names.map((name, i) => ({ name, idNumber: idNumbers[i] || null, phone: phones[i] || null })),
      });
    } catch (error) {
      throw byColumn(error);
    }
  },
  async validate(db, input, viewer) {
    try {
      await checkMediationCaseOffice(db, input);
    } catch (error) {
      throw byColumn(error);
    }
    // The importing caller's write scope is checked once per request (platform/server/operator.ts); its regions here, per row.
    if (!inViewerRegions(viewer, input.regionCode)) throw forbidden(`regionCode: ${input.regionCode} lies outside the regions the import may write`);
  },
  write: (trx, input) => insertMediationCase(trx, input),
};
