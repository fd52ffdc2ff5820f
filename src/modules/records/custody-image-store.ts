import { mkdir, readFile, rename, rm, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { randomToken, sha256Hex } from '../../platform/crypto.ts';

/**
 * Custody image bytes in a local folder, addressed by SHA-256 (`ab/cd/abcd...`). Content addressing makes a
 * repeated image cost nothing and lets a deletion scan prove that no copy is left.
 */
export class CustodyImageStore {
  constructor(readonly folder: string) {}

  private pathOf(sha256: string): string {
    if (!/^[0-9a-f]{64}$/.test(sha256)) throw new Error('a custody image is addressed by a lowercase SHA-256');
    return path.join(this.folder, sha256.slice(0, 2), sha256.slice(2, 4), sha256);
  }

  /** Stores bytes and returns their SHA-256; written to a temporary name first so a crash leaves no torn file. */
  async put(bytes: Uint8Array): Promise<string> {
    const sha256 = sha256Hex(bytes);
    const target = this.pathOf(sha256);
    if (await this.has(sha256)) return sha256;
    await mkdir(path.dirname(target), { recursive: true });
    const temporary = `${target}.${randomToken(6)}.tmp`;
    await writeFile(temporary, bytes);
    await rename(temporary, target);
    return sha256;
  }

  async get(sha256: string): Promise<Buffer | undefined> {
    try {
      return await readFile(this.pathOf(sha256));
    } catch (error) {
      if ((error as { code?: string }).code === 'ENOENT') return undefined;
      throw error;
    }
  }

  async has(sha256: string): Promise<boolean> {
    try {
      await stat(this.pathOf(sha256));
      return true;
    } catch {
      return false;
    }
  }

  async remove(sha256: string): Promise<void> {
    await rm(this.pathOf(sha256), { force: true });
  }
}

/** The media type the bytes really are, from their first bytes; undefined if neither PNG nor JPEG. */
export function sniffImageType(bytes: Uint8Array): 'image/png' | 'image/jpeg' | undefined {
  if (bytes.length >= 8 && bytes[0] === 0x89 && bytes[1] === 0x50 && bytes[2] === 0x4e && bytes[3] === 0x47)
    return 'image/png';
  if (bytes.length >= 3 && bytes[0] === 0xff && bytes[1] === 0xd8 && bytes[2] === 0xff) return 'image/jpeg';
  return undefined;
}
