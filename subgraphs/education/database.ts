// The education subgraph's tables, as kysely sees them. Region codes and
// judicial office ids are references to the judicial subgraph's records, kept
// as plain values: this database never holds a copy of another agency's tables.
import type { Selectable } from 'kysely';
import type { AwardLevel, EducationFormat, EducationTheme } from './generated/resolvers-types';

export interface CampaignTable {
  id: string;
  title: string;
  theme: EducationTheme | null;
  starts_on: string;
  ends_on: string | null;
}

export interface EducationEventTable {
  /** 'EE-' and a zero-padded serial, so text order is creation order (and date order in the seed). */
  id: string;
  title: string;
  theme: EducationTheme;
  format: EducationFormat;
  held_on: string;
  /** A village (12 digits) or a township itself (9 digits). */
  region_code: string;
  attendees: number;
  languages: string[];
  /** 'JO-<township code>' (judicial subgraph); null when another body organised it. */
  organiser_office_id: string | null;
  campaign_id: string | null;
}

/** One row per demonstration village: the highest award it holds. */
export interface DemonstrationAwardTable {
  village_code: string;
  level: AwardLevel;
  year: number;
}

/** A training course that certified `persons` villagers of one village as legal understanding persons. */
export interface LegalUnderstandingTrainingTable {
  id: string;
  village_code: string;
  trained_on: string;
  persons: number;
}

export interface EducationDatabase {
  campaign: CampaignTable;
  education_event: EducationEventTable;
  demonstration_award: DemonstrationAwardTable;
  legal_understanding_training: LegalUnderstandingTrainingTable;
}

export type CampaignRow = Selectable<CampaignTable>;
export type EducationEventRow = Selectable<EducationEventTable>;
export type DemonstrationAwardRow = Selectable<DemonstrationAwardTable>;
