import { sql } from 'drizzle-orm';
import { type Database, queryRows } from '../../storage/database.ts';

export interface AddressAtPostcode {
  personId: string;
  /** The address's postcode, upper case as written. */
  postcode: string;
  /** The postcode upper case without spaces, as it was asked for. */
  postcodeKey: string;
}

/**
 * One row per address of a person at one of the postcodes (each upper case without spaces), for the auditors'
 * pattern "viewed people at the user's own address" (modules/oversight). Compared, never shown to the auditor
 * beyond the postcode itself.
 */
export async function addressesAtPostcodes(db: Database, postcodeKeys: string[]): Promise<AddressAtPostcode[]> {
  if (postcodeKeys.length === 0) return [];
  const rows = await queryRows<{ person_id: string; postcode: string; postcode_key: string }>(
    db,
    sql`
      select person_id::text as person_id, upper(postcode) as postcode, upper(replace(postcode, ' ', '')) as postcode_key
      from person_addresses
      where upper(replace(postcode, ' ', '')) in (select jsonb_array_elements_text(${JSON.stringify(postcodeKeys)}::jsonb))`,
  );
  return rows.map((r) => ({ personId: r.person_id, postcode: r.postcode, postcodeKey: r.postcode_key }));
}
