// Running totals of education events per region and day (rollups.ts), kept by
// triggers; a database seeded earlier gets the totals of its events here.
// Frozen (platform/data/frozen-migrations.ts): the SQL that eventDaily
// (rollups.ts) gave when this migration was written; editing rollups.ts
// never changes what this migration does.
import { REGION_ANCESTORS_FUNCTION_V1, rollupMigration } from '../../../platform/data/frozen-migrations';

export const eventRollup = rollupMigration({
  table: 'education_event_daily',
  create: [
    REGION_ANCESTORS_FUNCTION_V1,
    `
    create table "education_event_daily" (
      region_code text collate "C" not null,
      day date,
      "events" bigint not null default 0, "attendees" bigint not null default 0,
      constraint "education_event_daily_key" unique nulls not distinct (region_code, day)
    )`,
    `create function "education_event_daily_on_insert"() returns trigger language plpgsql as 'begin 
    insert into "education_event_daily" as r (region_code, day, "events", "attendees")
    
    select a.code, c.day, sum(c."events"), sum(c."attendees")
    from (select "region_code" as region_code, "held_on" as day, 1 * coalesce(1, 0) as "events", 1 * coalesce(attendees, 0) as "attendees" from "new_rows") c
    cross join lateral unnest(hub_region_ancestors(c.region_code)) as a(code)
    group by a.code, c.day
    order by a.code, c.day
    on conflict (region_code, day) do update set "events" = r."events" + excluded."events", "attendees" = r."attendees" + excluded."attendees"; return null; end'`,
    `create trigger "education_event_daily_insert" after insert on "education_event"
      referencing new table as new_rows for each statement execute function "education_event_daily_on_insert"()`,
    `create function "education_event_daily_on_delete"() returns trigger language plpgsql as 'begin 
    insert into "education_event_daily" as r (region_code, day, "events", "attendees")
    
    select a.code, c.day, sum(c."events"), sum(c."attendees")
    from (select "region_code" as region_code, "held_on" as day, -1 * coalesce(1, 0) as "events", -1 * coalesce(attendees, 0) as "attendees" from "old_rows") c
    cross join lateral unnest(hub_region_ancestors(c.region_code)) as a(code)
    group by a.code, c.day
    order by a.code, c.day
    on conflict (region_code, day) do update set "events" = r."events" + excluded."events", "attendees" = r."attendees" + excluded."attendees"; return null; end'`,
    `create trigger "education_event_daily_delete" after delete on "education_event"
      referencing old table as old_rows for each statement execute function "education_event_daily_on_delete"()`,
    `create function "education_event_daily_on_update"() returns trigger language plpgsql as 'begin 
    insert into "education_event_daily" as r (region_code, day, "events", "attendees")
    
    select a.code, c.day, sum(c."events"), sum(c."attendees")
    from (select "region_code" as region_code, "held_on" as day, -1 * coalesce(1, 0) as "events", -1 * coalesce(attendees, 0) as "attendees" from "old_rows" union all select "region_code" as region_code, "held_on" as day, 1 * coalesce(1, 0) as "events", 1 * coalesce(attendees, 0) as "attendees" from "new_rows") c
    cross join lateral unnest(hub_region_ancestors(c.region_code)) as a(code)
    group by a.code, c.day
    order by a.code, c.day
    on conflict (region_code, day) do update set "events" = r."events" + excluded."events", "attendees" = r."attendees" + excluded."attendees"; return null; end'`,
    `create trigger "education_event_daily_update" after update on "education_event"
      referencing old table as old_rows new table as new_rows for each statement execute function "education_event_daily_on_update"()`,
    `create function "education_event_daily_on_truncate"() returns trigger language plpgsql as 'begin delete from "education_event_daily"; return null; end'`,
    `create trigger "education_event_daily_truncate" after truncate on "education_event"
    for each statement execute function "education_event_daily_on_truncate"()`,
    `
    insert into "education_event_daily" as r (region_code, day, "events", "attendees")
    
    select a.code, c.day, sum(c."events"), sum(c."attendees")
    from (select "region_code" as region_code, "held_on" as day, 1 * coalesce(1, 0) as "events", 1 * coalesce(attendees, 0) as "attendees" from "education_event") c
    cross join lateral unnest(hub_region_ancestors(c.region_code)) as a(code)
    group by a.code, c.day
    order by a.code, c.day
    on conflict (region_code, day) do update set "events" = r."events" + excluded."events", "attendees" = r."attendees" + excluded."attendees"`,
  ],
  drop: [
    `drop table "education_event_daily"`,
    `drop function "education_event_daily_on_insert"() cascade`,
    `drop function "education_event_daily_on_update"() cascade`,
    `drop function "education_event_daily_on_delete"() cascade`,
    `drop function "education_event_daily_on_truncate"() cascade`,
  ],
});
