// Recorded education events (mutation recordEducationEvent, CSV import) take
// their ids from a sequence: 'EE-' and the next serial, continuing the seed's
// numbering, so concurrent writes never draw the same id. The seed sets the
// sequence again after it inserts its events (a fresh database migrates
// before it is seeded); a database seeded earlier is set here, by the
// statement syncEventSerial (writes.ts) ran when this migration was written,
// frozen here (platform/data/frozen-migrations.ts).
import { sql, type Kysely, type Migration } from 'kysely';

export const eventSerial: Migration = {
  async up(db: Kysely<unknown>) {
    await sql`create sequence education_event_serial as bigint`.execute(db);
    await sql`select setval('education_event_serial',
    coalesce((select max(substr(id, 4)::bigint) from education_event where id ~ '^EE-[0-9]{1,18}$'), 0) + 1, false)`.execute(db);
  },
  async down(db: Kysely<unknown>) {
    await sql`drop sequence education_event_serial`.execute(db);
  },
};
