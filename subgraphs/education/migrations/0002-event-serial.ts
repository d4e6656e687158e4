// Recorded education events (mutation recordEducationEvent, CSV import) take
// their ids from a sequence: 'EE-' and the next serial, continuing the seed's
// numbering, so concurrent writes never draw the same id. The seed sets the
// sequence again after it inserts its events (a fresh database migrates
// before it is seeded); a database seeded earlier is set here.
import { sql, type Kysely, type Migration } from 'kysely';
import { syncEventSerial } from '../writes';

export const eventSerial: Migration = {
  async up(db: Kysely<unknown>) {
    await sql`create sequence education_event_serial as bigint`.execute(db);
    await syncEventSerial(db);
  },
  async down(db: Kysely<unknown>) {
    await sql`drop sequence education_event_serial`.execute(db);
  },
};
