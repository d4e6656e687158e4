// Campaigns, education events, demonstration village awards and legal
// understanding person trainings. Division codes (and event ids, which are
// ordered text) use COLLATE "C", so "within a region" (a code range) is an
// index range scan and id order is byte order.
import { sql, type Kysely, type Migration } from 'kysely';

const THEMES = sql`('CIVIL_CODE', 'CONSTITUTION', 'LEGAL_AID_LAW', 'ANTI_FRAUD', 'LAND_LAW', 'FAMILY_LAW', 'OTHER')`;

export const initial: Migration = {
  async up(db: Kysely<unknown>) {
    await db.schema
      .createTable('campaign')
      .addColumn('id', sql`text collate "C"`, (col) => col.primaryKey())
      .addColumn('title', 'text', (col) => col.notNull())
      .addColumn('theme', 'text', (col) => col.check(sql`theme is null or theme in ${THEMES}`))
      .addColumn('starts_on', 'date', (col) => col.notNull())
      .addColumn('ends_on', 'date', (col) => col.check(sql`ends_on is null or ends_on >= starts_on`))
      .execute();

    await db.schema
      .createTable('education_event')
      .addColumn('id', sql`text collate "C"`, (col) => col.primaryKey())
      .addColumn('title', 'text', (col) => col.notNull())
      .addColumn('theme', 'text', (col) => col.notNull().check(sql`theme in ${THEMES}`))
      .addColumn('format', 'text', (col) =>
        col.notNull().check(sql`format in ('LECTURE', 'MARKET_STALL', 'DOOR_TO_DOOR', 'ONLINE', 'PERFORMANCE', 'TRAINING')`),
      )
      .addColumn('held_on', 'date', (col) => col.notNull())
      // Events are held in a village or at the township itself.
      .addColumn('region_code', sql`text collate "C"`, (col) => col.notNull().check(sql`region_code ~ '^[0-9]{9}([0-9]{3})?$'`))
      .addColumn('attendees', 'integer', (col) => col.notNull().check(sql`attendees >= 0`))
      .addColumn('languages', sql`text[]`, (col) => col.notNull().check(sql`cardinality(languages) >= 1`))
      .addColumn('organiser_office_id', 'text', (col) => col.check(sql`organiser_office_id ~ '^JO-[0-9]{9}$'`))
      .addColumn('campaign_id', sql`text collate "C"`, (col) => col.references('campaign.id'))
      .execute();
    // Lists within a region, of an office or of a campaign are ordered by id;
    // stats sum attendees by date within a region range (an index-only scan).
    await db.schema.createIndex('education_event_region_idx').on('education_event').columns(['region_code', 'id']).execute();
    await db.schema.createIndex('education_event_organiser_idx').on('education_event').columns(['organiser_office_id', 'id']).execute();
    await db.schema.createIndex('education_event_campaign_idx').on('education_event').columns(['campaign_id', 'id']).execute();
    await db.schema
      .createIndex('education_event_held_idx')
      .on('education_event')
      .columns(['region_code', 'held_on', 'attendees'])
      .execute();

    await db.schema
      .createTable('demonstration_award')
      .addColumn('village_code', sql`text collate "C"`, (col) => col.primaryKey().check(sql`village_code ~ '^[0-9]{12}$'`))
      .addColumn('level', 'text', (col) => col.notNull().check(sql`level in ('NATIONAL', 'AUTONOMOUS_REGION', 'PREFECTURE')`))
      .addColumn('year', 'integer', (col) => col.notNull().check(sql`year between 1990 and 2100`))
      .execute();

    await db.schema
      .createTable('legal_understanding_training')
      .addColumn('id', sql`text collate "C"`, (col) => col.primaryKey())
      .addColumn('village_code', sql`text collate "C"`, (col) => col.notNull().check(sql`village_code ~ '^[0-9]{12}$'`))
      .addColumn('trained_on', 'date', (col) => col.notNull())
      .addColumn('persons', 'integer', (col) => col.notNull().check(sql`persons > 0`))
      .execute();
    await db.schema
      .createIndex('legal_understanding_training_village_idx')
      .on('legal_understanding_training')
      .columns(['village_code', 'trained_on', 'persons'])
      .execute();
  },
  async down(db: Kysely<unknown>) {
    for (const table of ['legal_understanding_training', 'demonstration_award', 'education_event', 'campaign']) {
      await db.schema.dropTable(table).execute();
    }
  },
};
