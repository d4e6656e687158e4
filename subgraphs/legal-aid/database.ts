// The legal aid subgraph's tables, as kysely sees them. Region codes and
// judicial office ids are the other subgraphs' keys: this database holds no
// copy of the region directory or of the offices.
import type { ColumnType, Generated, Selectable } from 'kysely';
import type { LegalAidCategory, LegalAidStatus, ProviderKind } from './generated/resolvers-types';

export interface LegalAidProviderTable {
  id: string;
  name: string;
  kind: ProviderKind;
  organisation: string;
  /** The county the provider works in. */
  county_code: string;
}

export interface PersonRecord {
  name: string;
  idNumber: string | null;
  phone: string | null;
}

export interface LegalAidCaseTable {
  id: Generated<number>;
  case_number: string;
  /** Where the applicant lives: a village or a township code. */
  region_code: string;
  category: LegalAidCategory;
  status: LegalAidStatus;
  applied_on: string;
  /** Accepted or rejected on; null while APPLIED. */
  decided_on: string | null;
  /** Provider assigned on; null before ASSIGNED. */
  assigned_on: string | null;
  /** Null unless CLOSED. */
  closed_on: string | null;
  /** 'JO-<township code>' of the referring judicial office, if any. */
  referred_by_office_id: string | null;
  provider_id: string | null;
  /** Personal data, in its own jsonb column so access to it can be guarded: written as JSON text, read as parsed objects. */
  applicant: ColumnType<PersonRecord, string, string>;
}

export interface VillageLegalAdvisorTable {
  village_code: string;
  provider_id: string;
  since: string;
}

/** A day an advisor sat in the village, with the consultations given that day. */
export interface AdvisorSessionTable {
  id: Generated<number>;
  village_code: string;
  held_on: string;
  consultations: number;
}

export interface LegalAidDatabase {
  legal_aid_provider: LegalAidProviderTable;
  legal_aid_case: LegalAidCaseTable;
  village_legal_advisor: VillageLegalAdvisorTable;
  advisor_session: AdvisorSessionTable;
}

export type LegalAidProviderRow = Selectable<LegalAidProviderTable>;
export type LegalAidCaseRow = Selectable<LegalAidCaseTable>;
export type VillageLegalAdvisorRow = Selectable<VillageLegalAdvisorTable>;
