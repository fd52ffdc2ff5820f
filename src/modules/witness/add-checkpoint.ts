import {
  CheckpointError,
  type CheckpointVerifier,
  type Cosigner,
  NoteFormatError,
  ProofError,
  parseCheckpointText,
  parseSignedNote,
  strictBase64,
  verifyConsistency,
} from '../audit/index.ts';
import type { WitnessState } from './witness-state.ts';

/**
 * `POST <prefix>/add-checkpoint` of c2sp.org/tlog-witness: an old size line, the consistency proof lines, a blank
 * line and a checkpoint signed by the log. The witness cosigns only a checkpoint that extends the latest one it
 * cosigned for that log, so a log cannot show it a rolled-back tree or two different trees of one size (a split
 * view). Each refusal says why, and is kept.
 */

export interface WitnessAnswer {
  status: 200 | 400 | 403 | 404 | 409 | 422;
  contentType: 'text/plain; charset=utf-8' | 'text/x.tlog.size';
  body: string;
}

export interface WitnessSettings {
  cosigner: Cosigner;
  /** The logs this witness follows: origin to the verifiers of the log's keys, made once at start. */
  logs: ReadonlyMap<string, readonly CheckpointVerifier[]>;
  state: WitnessState;
  now: () => Date;
}

const maxProofLines = 63;

class Refusal extends Error {
  constructor(
    readonly status: WitnessAnswer['status'],
    message: string,
    readonly sizeBody?: string,
    /** The log signed something inconsistent with what it showed before: kept as evidence of misbehaviour. */
    readonly evidence = false,
  ) {
    super(message);
  }
}

export async function addCheckpoint(settings: WitnessSettings, body: string): Promise<WitnessAnswer> {
  let request: Submission | undefined;
  try {
    const submitted = parseRequest(body);
    request = submitted;
    return await settings.state.exclusive(() => cosignIfConsistent(settings, submitted));
  } catch (error) {
    if (!(error instanceof Refusal)) throw error;
    // Only what the log itself signed and cannot take back is kept: a rollback or split view it proved inconsistent.
    // A forged or stale submission is anyone's to send, and keeping it would let anyone fill the witness's disk.
    if (error.evidence && request)
      settings.state.recordEvidence({
        origin: request.checkpoint.origin,
        status: error.status,
        reason: error.message,
        oldSize: request.oldSize,
        proof: request.proof.map((hash) => hash.toString('base64')),
        checkpoint: request.text,
        logSignatures: logSignatureLines(settings, request),
        at: settings.now().toISOString(),
      });
    if (error.sizeBody !== undefined)
      return { status: error.status, contentType: 'text/x.tlog.size', body: error.sizeBody };
    return { status: error.status, contentType: 'text/plain; charset=utf-8', body: `${error.message}\n` };
  }
}

interface Submission {
  oldSize: number;
  proof: Buffer[];
  note: string;
  text: string;
  signatures: ReturnType<typeof parseSignedNote>['signatures'];
  checkpoint: ReturnType<typeof parseCheckpointText>;
}

function parseRequest(body: string): Submission {
  const blank = body.indexOf('\n\n');
  if (blank < 0) throw new Refusal(400, 'the body is an old size line, proof lines, a blank line and a checkpoint');
  const [oldLine = '', ...proofLines] = body.slice(0, blank).split('\n');
  const old = /^old (0|[1-9][0-9]*)$/.exec(oldLine);
  if (!old || !Number.isSafeInteger(Number(old[1])))
    throw new Refusal(400, 'the first line is `old <size>`, in decimal with no leading zero');
  if (proofLines.length > maxProofLines) throw new Refusal(400, `at most ${maxProofLines} consistency proof lines`);
  try {
    const proof = proofLines.map((line) => strictBase64(line, 'a proof line'));
    if (proof.some((hash) => hash.length !== 32)) throw new NoteFormatError('a proof line is one SHA-256 hash');
    const note = body.slice(blank + 2);
    const { text, signatures } = parseSignedNote(note);
    const checkpoint = parseCheckpointText(text);
    return { oldSize: Number(old[1]), proof, note, text, signatures, checkpoint };
  } catch (error) {
    if (error instanceof NoteFormatError) throw new Refusal(400, error.message);
    throw error;
  }
}

async function cosignIfConsistent(settings: WitnessSettings, request: Submission): Promise<WitnessAnswer> {
  const { checkpoint, oldSize, proof } = request;
  const keys = settings.logs.get(checkpoint.origin);
  if (!keys) throw new Refusal(404, `this witness does not follow the log \`${checkpoint.origin}\``);
  if (!signedByTrustedKey(keys, request))
    throw new Refusal(403, 'no signature by a key this witness trusts for the log');
  if (oldSize > checkpoint.size) throw new Refusal(400, `the old size ${oldSize} is larger than the checkpoint's`);
  const latest = settings.state.latest(checkpoint.origin);
  const latestSize = latest?.size ?? 0;
  if (oldSize !== latestSize)
    throw new Refusal(409, `the latest checkpoint cosigned is of ${latestSize} entries`, `${latestSize}\n`);
  if (oldSize === 0) {
    if (proof.length > 0) throw new Refusal(400, 'the proof is empty when the old size is zero');
  } else if (oldSize === checkpoint.size) {
    if (latest?.rootHash !== checkpoint.rootHash.toString('base64'))
      throw new Refusal(
        409,
        `a different tree of ${oldSize} entries was cosigned: the log shows a split view`,
        undefined,
        true,
      );
    if (proof.length > 0) throw new Refusal(422, 'a consistency proof between trees of the same size is empty');
  } else {
    try {
      verifyConsistency(
        oldSize,
        checkpoint.size,
        proof,
        Buffer.from(latest?.rootHash ?? '', 'base64'),
        checkpoint.rootHash,
      );
    } catch (error) {
      if (error instanceof ProofError)
        throw new Refusal(
          422,
          `the checkpoint does not extend the one of ${oldSize} entries cosigned: ${error.message}`,
          undefined,
          true,
        );
      throw error;
    }
  }
  const now = settings.now();
  settings.state.save({
    origin: checkpoint.origin,
    size: checkpoint.size,
    rootHash: checkpoint.rootHash.toString('base64'),
    note: request.note,
    cosignedAt: now.toISOString(),
  });
  const line = settings.cosigner.cosign(request.text, Math.floor(now.getTime() / 1000));
  return { status: 200, contentType: 'text/plain; charset=utf-8', body: line };
}

/** A signature by one of the log's keys verifies (signatures by keys the witness does not know are ignored). */
function signedByTrustedKey(verifiers: readonly CheckpointVerifier[], request: Submission): boolean {
  return verifiers.some((verifier) => {
    try {
      return verifier.verifies(request.text, request.signatures);
    } catch (error) {
      if (error instanceof CheckpointError) return false;
      throw error;
    }
  });
}

/** The log's own signature lines of a submission, kept with the evidence of what the log signed. */
function logSignatureLines(settings: WitnessSettings, request: Submission): string[] {
  const verifiers = settings.logs.get(request.checkpoint.origin) ?? [];
  return request.signatures
    .filter((s) => verifiers.some((v) => v.name === s.name && v.keyId.equals(s.keyId)))
    .map((s) => s.line);
}
