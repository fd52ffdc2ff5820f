/**
 * PNC ID, CRO number and arrest/summons number: parsing, check characters and canonical forms (brief 2.3).
 * All three use the 23-letter check alphabet (no I, O or S) and modulus 23.
 */
const checkAlphabet = 'ZABCDEFGHJKLMNPQRTUVWXY';

function checkCharacter(digits: string): string {
  return checkAlphabet[Number(BigInt(digits) % 23n)] as string;
}

export type IdentifierResult = { ok: true; value: string } | { ok: false; reason: string };

const fail = (reason: string): IdentifierResult => ({ ok: false, reason });

function clean(input: string): string {
  return input.trim().toUpperCase().replace(/\s+/g, '');
}

/**
 * A PNC ID in canonical form `YYYY/NNNNNNNC`. The short form `YY/NNNNNNC` is accepted: the year is widened to
 * 20YY when that is not after the current year, else 19YY; the serial is padded to 7 digits.
 */
export function parsePncId(input: string, currentYear = new Date().getUTCFullYear()): IdentifierResult {
  const match = /^(\d{2}|\d{4})\/?(\d{1,7})([A-Z])$/.exec(clean(input));
  if (!match) return fail('must look like `YYYY/NNNNNNNC` or `YY/NNNNNNC`');
  const [, yearText = '', serialText = '', check = ''] = match;
  let year = yearText;
  if (year.length === 2) {
    const widened = 2000 + Number(year);
    year = String(widened > currentYear ? widened - 100 : widened);
  }
  const serial = serialText.padStart(7, '0');
  const expected = checkCharacter(year.slice(2) + serial);
  if (check !== expected) return fail(`check character \`${check}\` is wrong`);
  return { ok: true, value: `${year}/${serial}${check}` };
}

/** A CRO number: standard form `NNNNNN/YYC`, or SF form `SFYY/NNNNNNC` whose check uses the unpadded serial. */
export function parseCroNumber(input: string): IdentifierResult {
  const text = clean(input);
  const sf = /^SF(\d{2})\/?(\d{1,6})([A-Z])$/.exec(text);
  if (sf) {
    const [, year = '', serial = '', check = ''] = sf;
    const expected = checkCharacter(year + serial);
    if (check !== expected) return fail(`check character \`${check}\` is wrong`);
    return { ok: true, value: `SF${year}/${serial}${check}` };
  }
  const standard = /^(\d{1,6})\/?(\d{2})([A-Z])$/.exec(text);
  if (!standard) return fail('must look like `NNNNNN/YYC` or `SFYY/NNNNNNC`');
  const [, serialText = '', year = '', check = ''] = standard;
  const serial = serialText.padStart(6, '0');
  const expected = checkCharacter(year + serial);
  if (check !== expected) return fail(`check character \`${check}\` is wrong`);
  return { ok: true, value: `${serial}/${year}${check}` };
}

const numericOrEmpty = (text: string): string => (/^\d+$/.test(text) ? text : '');

/**
 * An arrest/summons number, canonical without slashes: year (2), force (2), unit (2), system (2),
 * sequence (11 digits) and check character. Force and system count towards the check only when numeric.
 */
export function parseAsn(input: string): IdentifierResult {
  const text = clean(input).replace(/\//g, '');
  const match = /^(\d{2})([A-Z0-9]{2})([A-Z0-9]{2})([A-Z0-9]{2})(\d{1,11})([A-Z])$/.exec(text);
  if (!match) return fail('must look like `YY/FFUU/SS/NNNNNNNNNNNC`');
  const [, year = '', force = '', unit = '', system = '', sequenceText = '', check = ''] = match;
  const sequence = sequenceText.padStart(11, '0');
  const expected = checkCharacter(numericOrEmpty(force) + numericOrEmpty(system) + year + sequence);
  if (check !== expected) return fail(`check character \`${check}\` is wrong`);
  return { ok: true, value: `${year}${force}${unit}${system}${sequence}${check}` };
}

/** The ASN as people read it: `24/01ZD/01/00001234567Q`. */
export function formatAsn(canonical: string): string {
  return `${canonical.slice(0, 2)}/${canonical.slice(2, 6)}/${canonical.slice(6, 8)}/${canonical.slice(8)}`;
}

/** Makes a valid PNC ID from a year and serial; for synthetic data. */
export function makePncId(year: number, serial: number): string {
  const serial7 = String(serial).padStart(7, '0');
  return `${year}/${serial7}${checkCharacter(String(year).slice(2) + serial7)}`;
}

/** Makes a valid standard-form CRO number; for synthetic data. */
export function makeCroNumber(serial: number, year: number): string {
  const serial6 = String(serial).padStart(6, '0');
  const yy = String(year % 100).padStart(2, '0');
  return `${serial6}/${yy}${checkCharacter(yy + serial6)}`;
}

/** Makes a valid ASN; for synthetic data. */
export function makeAsn(year: number, force: string, unit: string, system: string, sequence: number): string {
  const yy = String(year % 100).padStart(2, '0');
  const seq = String(sequence).padStart(11, '0');
  return `${yy}${force}${unit}${system}${seq}${checkCharacter(numericOrEmpty(force) + numericOrEmpty(system) + yy + seq)}`;
}

/** Identifier types LEDS holds as typed references; only the first two have a check character. */
export const identifierTypes = [
  'PNC_ID',
  'CRO_NUMBER',
  'NI_NUMBER',
  'PASSPORT',
  'DRIVER_NUMBER',
  'PRISON_NUMBER',
] as const;
export type IdentifierType = (typeof identifierTypes)[number];

/** Validates and normalises any typed identifier. */
export function parseIdentifier(type: IdentifierType, input: string): IdentifierResult {
  switch (type) {
    case 'PNC_ID':
      return parsePncId(input);
    case 'CRO_NUMBER':
      return parseCroNumber(input);
    case 'NI_NUMBER': {
      const text = clean(input);
      return /^[A-CEGHJ-PR-TW-Z]{2}\d{6}[A-D]$/.test(text)
        ? { ok: true, value: text }
        : fail('must look like `QQ123456C`');
    }
    case 'PRISON_NUMBER': {
      const text = clean(input);
      return /^[A-Z]\d{4}[A-Z]{2}$/.test(text) ? { ok: true, value: text } : fail('must look like `A1234BC`');
    }
    default: {
      const text = clean(input);
      return /^[A-Z0-9]{5,20}$/.test(text) ? { ok: true, value: text } : fail('must be 5 to 20 letters and digits');
    }
  }
}

/** Name search key: upper case, letters only, so `O'Brien`, `o brien` and `OBRIEN` meet. */
export function nameKey(name: string): string {
  return name
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .toUpperCase()
    .replace(/[^A-Z]/g, '');
}
