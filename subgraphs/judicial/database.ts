// The judicial subgraph's tables, as kysely sees them.
import type { ColumnType, Generated, Selectable } from 'kysely';
import type { RegionLevel } from '../../platform/core/region-codes';
import type { MediationCategory, MediationOutcome, StandardizationStatus } from './generated/resolvers-types';

export interface RegionTable {
  code: string;
  name: string;
  level: RegionLevel;
  parent_code: string | null;
}

export interface JudicialOfficeTable {
  id: string;
  township_code: string;
  name: string;
  standardization: StandardizationStatus;
  demonstration: boolean;
  brand: string | null;
  staff_count: number;
}

export interface ServiceStationTable {
  id: string;
  office_id: string;
  region_code: string;
  name: string;
  services: string[];
}

export interface PersonRecord {
  name: string;
  idNumber: string | null;
  phone: string | null;
}

export interface MediationCaseTable {
  id: Generated<number>;
  office_id: string;
  region_code: string;
  category: MediationCategory;
  received_on: string;
  closed_on: string | null;
  outcome: MediationOutcome;
  /** jsonb: written as JSON text, read as parsed objects. */
  parties: ColumnType<PersonRecord[], string, string>;
}

export interface JudicialDatabase {
  region: RegionTable;
  judicial_office: JudicialOfficeTable;
  service_station: ServiceStationTable;
  mediation_case: MediationCaseTable;
}

export type RegionRow = Selectable<RegionTable>;
export type JudicialOfficeRow = Selectable<JudicialOfficeTable>;
export type ServiceStationRow = Selectable<ServiceStationTable>;
export type MediationCaseRow = Selectable<MediationCaseTable>;
