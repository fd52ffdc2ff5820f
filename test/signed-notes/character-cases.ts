// Cases about the characters of a note (control characters, UTF-8, lone surrogates) and its number of signatures.
// Each note is signed over the bytes it holds, so a verifier that skipped the character rules would accept it.
import type { CorpusEntry } from './corpus.ts';
import { invalid, log, other, text } from './entries.ts';
import { emDash, signatureLine, signedNote, unknownLine } from './keys.ts';

const signed = (body: string) => signedNote(body, [log.line(body)]);
const controlRule =
  'signed-note: signed notes MUST NOT contain any ASCII control characters (those below U+0020) other than newline';
const utf8Rule = 'signed-note: signed notes MUST be valid UTF-8';

export function invalidCharacters(): CorpusEntry[] {
  const b64 = log.signature(text).toString('base64');
  const says = 'no control character';
  return [
    invalid('tab-in-text', `${controlRule}: U+0009 TAB`, signed('a\ttab\n'), says),
    invalid(
      'carriage-returns-in-text',
      `${controlRule}: U+000D, as in CRLF line ends`,
      signed('line one\r\nline two\r\n'),
      says,
    ),
    invalid('nul-in-text', `${controlRule}: U+0000`, signed('a \u0000 byte\n'), says),
    invalid(
      'escape-in-text',
      `${controlRule}: U+001B, as in a terminal colour code`,
      signed('\u001b[31mred\u001b[0m\n'),
      says,
    ),
    invalid(
      'unit-separator-in-text',
      `${controlRule}: U+001F, the last of them`,
      signed('a \u001f unit separator\n'),
      says,
    ),
    invalid(
      'tab-in-signature-line',
      `${controlRule}: a tab for the space`,
      `${text}\n${emDash} ${log.name}\t${b64}\n`,
      says,
    ),
    invalid(
      'carriage-return-in-signature-line',
      `${controlRule}: a CRLF line end`,
      `${text}\n${log.line(text)}\r\n`,
      says,
    ),
    invalid(
      'nul-in-signature',
      `${controlRule}: in the base64`,
      `${text}\n${emDash} ${log.name} ${b64.slice(0, 8)}\u0000${b64.slice(8)}\n`,
      says,
    ),
    invalid(
      'escape-in-key-name',
      `${controlRule}: in a key name`,
      signedNote(text, [log.line(text), signatureLine('notes.test/\u001bother', other.signature(text))]),
      says,
    ),
  ];
}

/** A note whose text holds `bad` between two pieces of text, signed over exactly those bytes. */
function withBytes(bad: number[], where: string): Buffer {
  const body = Buffer.concat([Buffer.from(`notes.test corpus\n${where}: `), Buffer.from(bad), Buffer.from('\n')]);
  return Buffer.concat([body, Buffer.from(`\n${log.line(body)}\n`)]);
}

export function invalidUtf8(): CorpusEntry[] {
  const says = 'valid UTF-8';
  const badName = Buffer.concat([
    Buffer.from(`${signed(text)}${emDash} notes.test/`),
    Buffer.from([0xff]),
    Buffer.from(` ${other.signature(text).toString('base64')}\n`),
  ]);
  // Encoded as UTF-8, a lone surrogate becomes U+FFFD: the signature is over that, so only the rule refuses it.
  const lone = 'a lone surrogate: \ud800\n';
  return [
    invalid('invalid-utf8-byte-ff', `${utf8Rule}: 0xFF is in no UTF-8 sequence`, withBytes([0xff], '0xFF'), says),
    invalid(
      'invalid-utf8-lone-continuation-byte',
      `${utf8Rule}: 0x80 begins no sequence`,
      withBytes([0x80], '0x80'),
      says,
    ),
    invalid(
      'invalid-utf8-overlong-encoding',
      `${utf8Rule}: "/" in two bytes`,
      withBytes([0xc0, 0xaf], 'overlong'),
      says,
    ),
    invalid(
      'invalid-utf8-truncated-sequence',
      `${utf8Rule}: two bytes of a three-byte sequence`,
      withBytes([0xe2, 0x82], 'truncated'),
      says,
    ),
    invalid(
      'invalid-utf8-encoded-surrogate',
      `${utf8Rule}: U+D800 encoded (CESU-8)`,
      withBytes([0xed, 0xa0, 0x80], 'surrogate'),
      says,
    ),
    invalid(
      'invalid-utf8-beyond-u10ffff',
      `${utf8Rule}: U+110000 does not exist`,
      withBytes([0xf4, 0x90, 0x80, 0x80], 'beyond'),
      says,
    ),
    invalid('invalid-utf8-in-key-name', `${utf8Rule}: 0xFF in a key name`, badName, says),
    invalid(
      'lone-high-surrogate',
      `${utf8Rule}: a string with a lone surrogate is no Unicode text`,
      signed(lone),
      says,
    ),
    invalid(
      'lone-low-surrogate-in-key-name',
      `${utf8Rule}: a lone low surrogate in a key name`,
      signedNote(text, [log.line(text), signatureLine('notes.test/\udc00', other.signature(text))]),
      says,
    ),
  ];
}

export function invalidLimits(): CorpusEntry[] {
  const many = (count: number) =>
    signedNote(text, [log.line(text), ...Array.from({ length: count - 1 }, (_, i) => unknownLine(`many-${i + 1}`))]);
  const rule =
    "signed-note: verifiers SHOULD apply a maximum limit to the number of signatures in a note; LEDS's (maxNoteSignatures) is 64";
  return [
    invalid('sixty-five-signatures', rule, many(65), 'at most 64 signatures'),
    invalid('one-hundred-and-one-signatures', `${rule}, and Go's is 100`, many(101), 'at most 64 signatures'),
  ];
}
