// The signed-note cases (c2sp.org/signed-note): what a note must be for any verifier to read it the same way.
// Each invalid note is otherwise good, so the rule it breaks is the only reason to refuse it; and where a lax
// parser would read it as something signed (Node's base64 decoder skips junk, UTF-8 encoding makes U+FFFD of a
// lone surrogate), the signature is made over what that parser would see, so only the rule stands in the way.
import type { CorpusEntry } from './corpus.ts';
import {
  byteOrderMark,
  fifteen,
  invalid,
  log,
  mongolianVowelSeparator,
  other,
  sameName,
  text,
  unicodeName,
  valid,
  zeroWidthSpace,
} from './entries.ts';
import { emDash, flipped, nonCanonical, signatureLine, signedNote, unknownLine, unknownSignature } from './keys.ts';

const signed = (body: string) => signedNote(body, [log.line(body)]);
/** A good note, with one more line after the log's signature. */
const withLine = (line: string) => signedNote(text, [log.line(text), line]);
const otherSignature = () => other.signature(text).toString('base64');
const nameWith = (what: string) => `a key name with ${what}`;

export function validNotes(): CorpusEntry[] {
  const quasimodo = 'Ognuno sta solo sul cuor della terra\ntrafitto da un raggio di sole:\n\ned è subito sera.\n';
  const sixteen = [log, ...fifteen];
  const unknown = (n: number, size?: number) =>
    Array.from({ length: n }, (_, i) => unknownLine(`${size ?? 'k'}-${i + 1}`, size));
  const withDashLine = `a text whose second paragraph looks like a signature block\n\n${emDash} notes.test/log AAAAAAAA\n`;
  return [
    valid('one-signature', 'signed-note: a text ending in newline, a blank line, one signature line', signed(text)),
    valid(
      'two-signatures',
      'signed-note: one or more signature lines; it opens with either key',
      withLine(other.line(text)),
      {
        keys: ['log', 'other'],
      },
    ),
    valid(
      'sixteen-signatures',
      'signed-note: verifiers MUST accept at least up to 16 signatures; it opens with each of the 16 keys',
      signedNote(
        text,
        sixteen.map((k) => k.line(text)),
      ),
      { keys: sixteen.map((k) => k.id) },
    ),
    valid(
      'sixteen-post-quantum-sized-signatures',
      'signed-note: 16 signatures, and "post-quantum signatures can be up to nearly 5kB": 15 of 4627 bytes (ML-DSA-87) by unknown keys',
      signedNote(text, [log.line(text), ...unknown(15, 4627)]),
    ),
    valid(
      'sixty-four-signatures',
      "signed-note: verifiers SHOULD apply a maximum limit to the number of signatures; LEDS's (maxNoteSignatures) is 64, and this note is at it",
      signedNote(text, [...unknown(31), log.line(text), ...unknown(63).slice(31)]),
    ),
    valid(
      'unknown-keys-mixed-in',
      'signed-note: verifiers MUST ignore signatures from unknown keys',
      signedNote(text, [unknownLine('before'), log.line(text), unknownLine('after')]),
    ),
    valid(
      'unknown-key-with-the-same-name',
      "signed-note: unknown keys are ignored even if they share a name (but not the key ID) with a known key: another key named as the log's",
      signedNote(text, [sameName.line(text), log.line(text)]),
    ),
    valid(
      'unknown-key-with-the-same-key-id',
      "signed-note: unknown keys are ignored even if they share an ID (but not the name) with a known key: the log's key ID under another name",
      signedNote(text, [
        signatureLine('notes.test/impostor', Buffer.concat([log.keyId, unknownSignature('x')])),
        log.line(text),
      ]),
    ),
    valid('same-signature-twice', 'signed-note: the same good signature twice; both verify', withLine(log.line(text))),
    valid(
      'empty-line-in-text',
      'signed-note: the note text MAY contain empty lines; the text is separated from the signatures by the last empty line (the example of the specification)',
      signed(quasimodo),
    ),
    valid(
      'signature-lines-in-text',
      'signed-note: only the last empty line separates, so what looks like a signature block before it is text',
      signed(withDashLine),
    ),
    valid('text-ending-in-an-empty-line', 'signed-note: the text MAY end in an empty line', signed('a text, then\n\n')),
    valid('text-of-one-empty-line', 'signed-note: a text ending in newline: here only the newline', signed('\n')),
    ...validCharacters(),
  ];
}

function validCharacters(): CorpusEntry[] {
  return [
    valid(
      'controls-from-u007f-up',
      'signed-note: MUST NOT contain any ASCII control characters (those below U+0020): DEL, NEL and CSI are not below U+0020',
      signed('DEL \u007f, NEL \u0085, CSI \u009b\n'),
    ),
    valid(
      'byte-order-mark-at-the-start',
      'signed-note: U+FEFF is a character of the text like any other',
      signed('\ufeffa text that starts with U+FEFF\n'),
    ),
    valid('replacement-character', 'signed-note: U+FFFD itself is valid UTF-8', signed('U+FFFD: \ufffd\n')),
    valid(
      'line-separators-and-astral-characters',
      'signed-note: valid UTF-8: U+2028 and U+2029 do not end a line, and an astral character is no lone surrogate',
      signed('U+2028 \u2028 U+2029 \u2029 U+1D11E \u{1d11e}\n'),
    ),
    valid(
      'non-ascii-key-name',
      'signed-note: a key name is any non-empty UTF-8 with no spaces and no plus',
      signedNote(text, [unicodeName.line(text)]),
      {
        keys: ['unicode-name'],
      },
    ),
    valid(
      'key-name-with-zero-width-space',
      `signed-note: ${nameWith('U+200B ZERO WIDTH SPACE, a format character (Cf) and no Unicode space (White_Space)')}`,
      signedNote(text, [zeroWidthSpace.line(text)]),
      { keys: ['zero-width-space'] },
    ),
    valid(
      'key-name-with-byte-order-mark',
      `signed-note: ${nameWith('U+FEFF ZERO WIDTH NO-BREAK SPACE, a format character (Cf) and no Unicode space (White_Space)')}`,
      signedNote(text, [byteOrderMark.line(text)]),
      { keys: ['byte-order-mark'] },
    ),
    valid(
      'key-name-with-mongolian-vowel-separator',
      `signed-note: ${nameWith('U+180E MONGOLIAN VOWEL SEPARATOR, a format character (Cf) and no Unicode space (White_Space) since Unicode 6.3')}`,
      signedNote(text, [mongolianVowelSeparator.line(text)]),
      { keys: ['mongolian-vowel-separator'] },
    ),
  ];
}

export function invalidStructure(): CorpusEntry[] {
  const good = signed(text);
  return [
    invalid(
      'empty-note',
      'signed-note: a text ending in newline, a blank line, one or more signature lines',
      '',
      'ends with a newline',
    ),
    invalid(
      'missing-final-newline',
      'signed-note: a signature line ends in a newline',
      good.slice(0, -1),
      'ends with a newline',
    ),
    invalid(
      'no-blank-line',
      'signed-note: the text is followed by a blank line',
      `${text}${log.line(text)}\n`,
      'blank line',
    ),
    invalid(
      'empty-signature-block',
      'signed-note: one or more signature lines',
      `${text}\n`,
      'every line after the blank line',
    ),
    invalid(
      'blank-line-after-signatures',
      'signed-note: the last empty line separates the text from the signatures, so after it come signature lines, and none here',
      `${good}\n`,
      'every line after the blank line',
    ),
    invalid(
      'blank-line-between-signatures',
      "signed-note: the last empty line separates: the other key's line falls into the text, which the log did not sign",
      `${text}\n${other.line(text)}\n\n${log.line(text)}\n`,
      'does not verify',
    ),
    invalid(
      'non-signature-line-among-signatures',
      'signed-note: after the blank line come signature lines: em dash, space, key name, space, base64 signature',
      withLine('a line that is not a signature'),
      'every line after the blank line',
    ),
  ];
}

export function invalidSignatures(): CorpusEntry[] {
  const wrong = log.signature('another text\n');
  const verifyRule = 'signed-note: if the key name and ID match a known key, verifiers MUST verify the signature';
  const rejectRule =
    'signed-note: if a signature from a known key fails to verify, clients SHOULD reject the whole note';
  return [
    invalid(
      'only-unknown-keys',
      'signed-note: if no signature from a known key verifies successfully, clients MUST reject the note',
      signedNote(text, [other.line(text), sameName.line(text), unknownLine('only')]),
      'no signature by',
    ),
    invalid(
      'signature-of-another-text',
      `${verifyRule}: right name and key ID, wrong bytes`,
      signedNote(text, [signatureLine(log.name, wrong)]),
      'does not verify',
    ),
    invalid(
      'signature-one-bit-changed',
      verifyRule,
      signedNote(text, [signatureLine(log.name, flipped(log.signature(text)))]),
      'does not verify',
    ),
    invalid(
      'text-changed-after-signing',
      verifyRule,
      signedNote(text.replace('ordinary', 'altered'), [log.line(text)]),
      'does not verify',
    ),
    invalid(
      'truncated-ed25519-signature',
      `${verifyRule}: 63 bytes are no Ed25519 signature`,
      signedNote(text, [signatureLine(log.name, log.signature(text).subarray(0, 67))]),
      'does not verify',
    ),
    invalid(
      'known-key-wrong-then-right',
      rejectRule,
      signedNote(text, [signatureLine(log.name, wrong), log.line(text)]),
      'does not verify',
    ),
    invalid(
      'known-key-right-then-wrong',
      rejectRule,
      signedNote(text, [log.line(text), signatureLine(log.name, wrong)]),
      'does not verify',
    ),
  ];
}

/** The log's signature, in a text for which its base64 has a `+` and a `/`, for the URL alphabet to change. */
function signatureWithPlusAndSlash(): { body: string; encoded: string } {
  for (let variant = 1; ; variant++) {
    const body = `${text}variant ${variant}\n`;
    const encoded = log.signature(body).toString('base64');
    if (encoded.includes('+') && encoded.includes('/')) return { body, encoded };
  }
}

export function invalidBase64(): CorpusEntry[] {
  const encoded = log.signature(text).toString('base64');
  const asLine = (signature: string, body = text) => signedNote(body, [`${emDash} ${log.name} ${signature}`]);
  const url = signatureWithPlusAndSlash();
  const rule =
    'signed-note: the base64 encoding used throughout is the standard Base 64 encoding specified in RFC 4648, Section 4';
  const lax = "Node's lenient decoder reads it as the log's good signature";
  return [
    invalid(
      'base64-junk-characters',
      `${rule}: "!" is not in it (${lax})`,
      asLine(`${encoded.slice(0, 20)}!!!!${encoded.slice(20)}`),
      'not standard base64',
    ),
    invalid(
      'base64url-alphabet',
      `${rule}: "-" and "_" are the URL alphabet of section 5 (${lax})`,
      asLine(url.encoded.replaceAll('+', '-').replaceAll('/', '_'), url.body),
      'not standard base64',
    ),
    invalid(
      'base64-missing-padding',
      `${rule}, with its padding (${lax})`,
      asLine(encoded.replace(/=+$/, '')),
      'not standard base64',
    ),
    invalid('base64-extra-padding', rule, asLine(`${encoded}=`), 'not standard base64'),
    invalid(
      'base64-padding-in-the-middle',
      `${rule}: the key ID and the signature encoded apart and joined`,
      asLine(log.keyId.toString('base64') + log.signature(text).subarray(4).toString('base64')),
      'not standard base64',
    ),
    invalid(
      'base64-non-canonical',
      `${rule}; RFC 4648 section 3.5: decoders MAY reject an encoding whose pad bits are not zero, and LEDS does (${lax})`,
      asLine(nonCanonical(encoded)),
      'not canonical base64',
    ),
    invalid(
      'signature-of-four-bytes',
      'signed-note: signatures are the base64 encoding of 4+n bytes: the key ID alone is no signature',
      asLine(log.keyId.toString('base64')),
      '4-byte key id',
    ),
    invalid(
      'empty-signature',
      'signed-note: em dash, space, key name, space, base64-encoded signature: an empty one is none',
      asLine(''),
      'not standard base64',
    ),
    invalid(
      'unknown-key-signature-not-base64',
      "signed-note: every signature line is base64, an unknown key's too: it is ignored, not skipped unread",
      withLine(`${emDash} unknown.notes.test/junk !!!!${otherSignature()}`),
      'not standard base64',
    ),
  ];
}

export function invalidNames(): CorpusEntry[] {
  const named = (name: string) => withLine(signatureLine(name, other.signature(text)));
  const rule =
    'signed-note: key names MUST be non-empty and MUST NOT contain any Unicode spaces or plus (U+002B) characters';
  return [
    invalid(
      'key-name-with-a-space',
      `${rule}; a space also ends the name, so the line has three fields`,
      named('notes.test/other key'),
      'every line after the blank line',
    ),
    invalid('key-name-with-no-break-space', `${rule}: U+00A0`, named('notes.test/other\u00a0key'), 'key name'),
    invalid(
      'key-name-with-next-line',
      `${rule}: U+0085, a Unicode space and no ASCII control character`,
      named('notes.test/other\u0085key'),
      'key name',
    ),
    invalid('key-name-with-em-space', `${rule}: U+2003`, named('notes.test/other\u2003key'), 'key name'),
    invalid('key-name-with-line-separator', `${rule}: U+2028`, named('notes.test/other\u2028key'), 'key name'),
    invalid('key-name-with-ideographic-space', `${rule}: U+3000`, named('notes.test/other\u3000key'), 'key name'),
    invalid('key-name-with-plus', rule, named('notes.test+other'), 'key name'),
    invalid('empty-key-name', rule, named(''), 'key name'),
  ];
}

export function invalidLines(): CorpusEntry[] {
  const b64 = otherSignature();
  const rule =
    'signed-note: signature lines of this form: em dash (U+2014), space (U+0020), key name, space, base64-encoded signature, newline';
  const says = 'every line after the blank line';
  return [
    invalid('hyphen-instead-of-em-dash', rule, withLine(`- ${other.name} ${b64}`), says),
    invalid('en-dash-instead-of-em-dash', rule, withLine(`\u2013 ${other.name} ${b64}`), says),
    invalid('two-spaces-after-the-dash', rule, withLine(`${emDash}  ${other.name} ${b64}`), says),
    invalid('no-space-after-the-dash', rule, withLine(`${emDash}${other.name} ${b64}`), says),
    invalid('two-spaces-before-the-signature', rule, withLine(`${emDash} ${other.name}  ${b64}`), says),
    invalid('space-after-the-signature', rule, withLine(`${emDash} ${other.name} ${b64} `), says),
    invalid('three-fields', rule, withLine(`${emDash} ${other.name} ${b64} ${b64}`), says),
  ];
}
