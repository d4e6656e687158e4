// Providers, legal aid cases, village legal advisors and their sessions.
// Division codes use COLLATE "C" so that "within a region" (a code range) is
// an index range scan. The status life cycle (APPLIED, then ACCEPTED or
// REJECTED; ACCEPTED, then ASSIGNED; ASSIGNED, then CLOSED) is enforced by
// check constraints on which dates and which provider a case may have.
import { sql, type Kysely, type Migration } from 'kysely';

async function createProviders(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('legal_aid_provider')
    .addColumn('id', 'text', (col) => col.primaryKey())
    .addColumn('name', 'text', (col) => col.notNull())
    .addColumn('kind', 'text', (col) =>
      col.notNull().check(sql`kind in ('LAWYER', 'GRASSROOTS_LEGAL_WORKER', 'LEGAL_AID_OFFICER')`),
    )
    .addColumn('organisation', 'text', (col) => col.notNull())
    .addColumn('county_code', sql`text collate "C"`, (col) => col.notNull().check(sql`county_code ~ '^[0-9]{6}$'`))
    .execute();
}

async function createCases(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('legal_aid_case')
    .addColumn('id', 'bigint', (col) => col.primaryKey().generatedByDefaultAsIdentity())
    .addColumn('case_number', 'text', (col) => col.notNull().unique())
    .addColumn('region_code', sql`text collate "C"`, (col) =>
      col.notNull().check(sql`region_code ~ '^[0-9]{9}([0-9]{3})?$'`),
    )
    .addColumn('category', 'text', (col) =>
      col.notNull().check(sql`category in ('CRIMINAL_DEFENCE', 'WAGE_ARREARS', 'FAMILY', 'LAND_CONTRACT', 'PERSONAL_INJURY', 'ADMINISTRATIVE', 'OTHER')`),
    )
    .addColumn('status', 'text', (col) =>
      col.notNull().check(sql`status in ('APPLIED', 'ACCEPTED', 'REJECTED', 'ASSIGNED', 'CLOSED')`),
    )
    .addColumn('applied_on', 'date', (col) => col.notNull())
    .addColumn('decided_on', 'date')
    .addColumn('assigned_on', 'date')
    .addColumn('closed_on', 'date')
    .addColumn('referred_by_office_id', 'text', (col) => col.check(sql`referred_by_office_id ~ '^JO-[0-9]{9}$'`))
    .addColumn('provider_id', 'text', (col) => col.references('legal_aid_provider.id'))
    .addColumn('applicant', 'jsonb', (col) => col.notNull())
    // The life cycle, as stored: which dates and provider each status has.
    .addCheckConstraint('legal_aid_case_decided', sql`(decided_on is null) = (status = 'APPLIED')`)
    .addCheckConstraint('legal_aid_case_assigned', sql`(assigned_on is not null) = (status in ('ASSIGNED', 'CLOSED'))`)
    .addCheckConstraint('legal_aid_case_provider', sql`(provider_id is not null) = (status in ('ASSIGNED', 'CLOSED'))`)
    .addCheckConstraint('legal_aid_case_closed', sql`(closed_on is not null) = (status = 'CLOSED')`)
    .addCheckConstraint(
      'legal_aid_case_dates_in_order',
      sql`decided_on >= applied_on and assigned_on >= decided_on and closed_on >= assigned_on`,
    )
    .execute();
  // Lists within a region are ordered by id; stats filter by application date; referrals by office.
  await db.schema.createIndex('legal_aid_case_region_idx').on('legal_aid_case').columns(['region_code', 'id']).execute();
  await db.schema.createIndex('legal_aid_case_applied_idx').on('legal_aid_case').columns(['region_code', 'applied_on']).execute();
  await db.schema
    .createIndex('legal_aid_case_referral_idx')
    .on('legal_aid_case')
    .columns(['referred_by_office_id', 'applied_on'])
    .where(sql.ref('referred_by_office_id'), 'is not', null)
    .execute();
}

async function createAdvisors(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('village_legal_advisor')
    .addColumn('village_code', sql`text collate "C"`, (col) => col.primaryKey().check(sql`village_code ~ '^[0-9]{12}$'`))
    .addColumn('provider_id', 'text', (col) => col.notNull().references('legal_aid_provider.id'))
    .addColumn('since', 'date', (col) => col.notNull())
    .execute();
  await db.schema.createIndex('village_legal_advisor_provider_idx').on('village_legal_advisor').column('provider_id').execute();

  await db.schema
    .createTable('advisor_session')
    .addColumn('id', 'bigint', (col) => col.primaryKey().generatedByDefaultAsIdentity())
    .addColumn('village_code', sql`text collate "C"`, (col) => col.notNull().references('village_legal_advisor.village_code'))
    .addColumn('held_on', 'date', (col) => col.notNull())
    .addColumn('consultations', 'integer', (col) => col.notNull().check(sql`consultations >= 0`))
    .execute();
  await db.schema.createIndex('advisor_session_village_idx').on('advisor_session').columns(['village_code', 'held_on']).execute();
}

export const initial: Migration = {
  async up(db: Kysely<unknown>) {
    // In this order, statement for statement: the migration as released.
    await createProviders(db);
    await createCases(db);
    await createAdvisors(db);
  },
  async down(db: Kysely<unknown>) {
    for (const table of ['advisor_session', 'village_legal_advisor', 'legal_aid_case', 'legal_aid_provider']) {
      await db.schema.dropTable(table).execute();
    }
  },
};
