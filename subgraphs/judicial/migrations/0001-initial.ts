// Regions, judicial offices, service stations and mediation cases. Division
// codes use COLLATE "C" so that "within a region" (a code range) is an index range scan.
import { sql, type Kysely, type Migration } from 'kysely';

export const initial: Migration = {
  async up(db: Kysely<unknown>) {
    await db.schema
      .createTable('region')
      .addColumn('code', sql`text collate "C"`, (col) => col.primaryKey())
      .addColumn('name', 'text', (col) => col.notNull())
      .addColumn('level', 'text', (col) =>
        col.notNull().check(sql`level in ('AUTONOMOUS_REGION', 'PREFECTURE', 'COUNTY', 'TOWNSHIP', 'VILLAGE')`),
      )
      .addColumn('parent_code', sql`text collate "C"`, (col) => col.references('region.code'))
      .execute();
    await db.schema.createIndex('region_parent_idx').on('region').columns(['parent_code', 'code']).execute();
    await db.schema.createIndex('region_level_idx').on('region').columns(['level', 'code']).execute();

    await db.schema
      .createTable('judicial_office')
      .addColumn('id', 'text', (col) => col.primaryKey())
      .addColumn('township_code', sql`text collate "C"`, (col) => col.notNull().unique().references('region.code'))
      .addColumn('name', 'text', (col) => col.notNull())
      .addColumn('standardization', 'text', (col) =>
        col.notNull().check(sql`standardization in ('NOT_STARTED', 'IN_PROGRESS', 'STANDARDIZED')`),
      )
      .addColumn('demonstration', 'boolean', (col) => col.notNull().defaultTo(false))
      .addColumn('brand', 'text')
      .addColumn('staff_count', 'integer', (col) => col.notNull().check(sql`staff_count >= 0`))
      .execute();

    await db.schema
      .createTable('service_station')
      .addColumn('id', 'text', (col) => col.primaryKey())
      .addColumn('office_id', 'text', (col) => col.notNull().unique().references('judicial_office.id'))
      .addColumn('region_code', sql`text collate "C"`, (col) => col.notNull().references('region.code'))
      .addColumn('name', 'text', (col) => col.notNull())
      .addColumn('services', sql`text[]`, (col) => col.notNull())
      .execute();

    await db.schema
      .createTable('mediation_case')
      .addColumn('id', 'bigint', (col) => col.primaryKey().generatedByDefaultAsIdentity())
      .addColumn('office_id', 'text', (col) => col.notNull().references('judicial_office.id'))
      .addColumn('region_code', sql`text collate "C"`, (col) => col.notNull().references('region.code'))
      .addColumn('category', 'text', (col) =>
        col.notNull().check(sql`category in ('MARRIAGE_FAMILY', 'NEIGHBOURHOOD', 'LAND_RESOURCES', 'LABOUR', 'CONTRACT', 'DAMAGES', 'OTHER')`),
      )
      .addColumn('received_on', 'date', (col) => col.notNull())
      .addColumn('closed_on', 'date', (col) => col.check(sql`closed_on is null or closed_on >= received_on`))
      .addColumn('outcome', 'text', (col) =>
        col.notNull().check(sql`outcome in ('PENDING', 'RESOLVED', 'UNRESOLVED', 'REFERRED')`),
      )
      .addColumn('parties', 'jsonb', (col) => col.notNull())
      .execute();
    // Lists within a region are ordered by id; stats filter by date.
    await db.schema.createIndex('mediation_case_region_idx').on('mediation_case').columns(['region_code', 'id']).execute();
    await db.schema.createIndex('mediation_case_office_idx').on('mediation_case').columns(['office_id', 'id']).execute();
    await db.schema.createIndex('mediation_case_received_idx').on('mediation_case').columns(['region_code', 'received_on']).execute();
  },
  async down(db: Kysely<unknown>) {
    for (const table of ['mediation_case', 'service_station', 'judicial_office', 'region']) {
      await db.schema.dropTable(table).execute();
    }
  },
};
