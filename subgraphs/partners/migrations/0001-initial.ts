// Partners, their pairings with villages and townships, projects and resident
// work teams. Division codes use COLLATE "C" so that "within a region" (a code
// range) is an index range scan. Region codes and judicial office ids belong
// to the judicial subgraph's database, so they are checked for shape here, not
// by foreign key.
import { sql, type Kysely, type Migration } from 'kysely';

const PARTNER_KINDS = sql`('RURAL_REVITALIZATION_BUREAU', 'FINANCE', 'DEVELOPMENT_REFORM', 'PETITIONS', 'RESIDENT_WORK_TEAM', 'ENTERPRISE', 'SOCIAL_ORGANISATION')`;

export const initial: Migration = {
  async up(db: Kysely<unknown>) {
    await db.schema
      .createTable('partner')
      .addColumn('id', sql`text collate "C"`, (col) => col.primaryKey().check(sql`id ~ '^PT-[0-9]{5}$'`))
      .addColumn('name', 'text', (col) => col.notNull())
      .addColumn('kind', 'text', (col) => col.notNull().check(sql`kind in ${PARTNER_KINDS}`))
      .execute();
    await db.schema.createIndex('partner_kind_idx').on('partner').columns(['kind', 'id']).execute();

    await db.schema
      .createTable('partner_region')
      .addColumn('partner_id', sql`text collate "C"`, (col) => col.notNull().references('partner.id'))
      // Pairings are with townships (9 digits) and villages (12 digits).
      .addColumn('region_code', sql`text collate "C"`, (col) => col.notNull().check(sql`region_code ~ '^[0-9]{9}([0-9]{3})?$'`))
      .addColumn('since', 'date', (col) => col.notNull())
      .addPrimaryKeyConstraint('partner_region_pk', ['partner_id', 'region_code'])
      .execute();
    await db.schema.createIndex('partner_region_region_idx').on('partner_region').columns(['region_code', 'partner_id']).execute();

    await db.schema
      .createTable('project')
      .addColumn('id', 'bigint', (col) => col.primaryKey().generatedByDefaultAsIdentity())
      .addColumn('title', 'text', (col) => col.notNull())
      .addColumn('partner_id', sql`text collate "C"`, (col) => col.notNull().references('partner.id'))
      .addColumn('village_code', sql`text collate "C"`, (col) => col.notNull().check(sql`village_code ~ '^[0-9]{12}$'`))
      .addColumn('budget_yuan', sql`numeric(14, 2)`, (col) => col.notNull().check(sql`budget_yuan >= 0`))
      .addColumn('status', 'text', (col) =>
        col.notNull().check(sql`status in ('PLANNED', 'IN_PROGRESS', 'COMPLETED', 'SUSPENDED')`),
      )
      .addColumn('started_on', 'date')
      .addColumn('completed_on', 'date')
      .addColumn('legally_reviewed', 'boolean', (col) => col.notNull())
      .addColumn('reviewing_office_id', 'text', (col) => col.check(sql`reviewing_office_id ~ '^JO-[0-9]{9}$'`))
      // The life cycle: PLANNED has not started; IN_PROGRESS and COMPLETED have;
      // SUSPENDED may have (suspended while running) or not (suspended while planned).
      .addCheckConstraint('project_started_check', sql`(status = 'PLANNED' and started_on is null) or (status in ('IN_PROGRESS', 'COMPLETED') and started_on is not null) or status = 'SUSPENDED'`)
      .addCheckConstraint('project_completed_check', sql`(status = 'COMPLETED') = (completed_on is not null) and (completed_on is null or completed_on >= started_on)`)
      .addCheckConstraint('project_review_check', sql`legally_reviewed = (reviewing_office_id is not null)`)
      .execute();
    // Lists within a region or of a partner are ordered by id; stats filter by start date.
    await db.schema.createIndex('project_village_idx').on('project').columns(['village_code', 'id']).execute();
    await db.schema.createIndex('project_partner_idx').on('project').columns(['partner_id', 'id']).execute();
    await db.schema.createIndex('project_started_idx').on('project').columns(['village_code', 'started_on']).execute();

    await db.schema
      .createTable('resident_team')
      .addColumn('id', 'text', (col) => col.primaryKey())
      .addColumn('village_code', sql`text collate "C"`, (col) => col.notNull().unique().check(sql`village_code ~ '^[0-9]{12}$'`))
      .addColumn('partner_id', sql`text collate "C"`, (col) => col.notNull().references('partner.id'))
      .addColumn('members', 'integer', (col) => col.notNull().check(sql`members > 0`))
      .addColumn('since', 'date', (col) => col.notNull())
      .execute();
    await db.schema.createIndex('resident_team_partner_idx').on('resident_team').columns(['partner_id']).execute();
  },
  async down(db: Kysely<unknown>) {
    for (const table of ['resident_team', 'project', 'partner_region', 'partner']) {
      await db.schema.dropTable(table).execute();
    }
  },
};
