// The partners subgraph's tables, as kysely sees them.
import type { ColumnType, Generated, Selectable } from 'kysely';
import type { PartnerKind, ProjectStatus } from './generated/resolvers-types';

export interface PartnerTable {
  /** 'PT-' and five digits, so that text order is number order. */
  id: string;
  name: string;
  kind: PartnerKind;
}

/** Pairing assistance: a partner paired with a village or township. */
export interface PartnerRegionTable {
  partner_id: string;
  /** A 9-digit township or 12-digit village code. */
  region_code: string;
  /** When the pairing began. */
  since: string;
}

export interface ProjectTable {
  id: Generated<number>;
  title: string;
  partner_id: string;
  village_code: string;
  /** numeric(14, 2): read as a number (platform/data/database.ts). */
  budget_yuan: ColumnType<number, number | string, number | string>;
  status: ProjectStatus;
  started_on: string | null;
  completed_on: string | null;
  legally_reviewed: boolean;
  /** 'JO-<township code>', an office of the judicial subgraph; null when not reviewed. */
  reviewing_office_id: string | null;
}

export interface ResidentTeamTable {
  id: string;
  village_code: string;
  /** A partner of kind RESIDENT_WORK_TEAM. */
  partner_id: string;
  members: number;
  since: string;
}

export interface PartnersDatabase {
  partner: PartnerTable;
  partner_region: PartnerRegionTable;
  project: ProjectTable;
  resident_team: ResidentTeamTable;
}

export type PartnerRow = Selectable<PartnerTable>;
export type ProjectRow = Selectable<ProjectTable>;
export type ResidentTeamRow = Selectable<ResidentTeamTable>;
