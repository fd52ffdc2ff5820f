import { sql } from 'drizzle-orm';
import { type Database, queryRows } from '../../storage/database.ts';

export interface UserSurnameAndPostcode {
  /** The user's id as the audit log names actors. */
  actorId: string;
  /** The last word of the display name, lower case; null when the name has no words. */
  surname: string | null;
  /** The home postcode, upper case without spaces; null when none is held. */
  homePostcodeKey: string | null;
}

/**
 * Every user's surname and home postcode, for the auditors' pattern "looked up their own name or address"
 * (modules/oversight). Compared, never shown.
 */
export async function userSurnamesAndHomePostcodes(db: Database): Promise<UserSurnameAndPostcode[]> {
  const rows = await queryRows<{ actor_id: string; surname: string | null; postcode_key: string | null }>(
    db,
    sql`
      select id::text as actor_id,
             lower(split_part(display_name, ' ', array_length(string_to_array(display_name, ' '), 1))) as surname,
             upper(replace(home_postcode, ' ', '')) as postcode_key
      from users`,
  );
  return rows.map((r) => ({ actorId: r.actor_id, surname: r.surname, homePostcodeKey: r.postcode_key }));
}
