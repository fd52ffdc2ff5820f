import { spawn } from 'node:child_process';
import path from 'node:path';
import type { Result } from 'autocannon';

/** Runs bench/http-load.mjs in a child process and returns autocannon's result. */
export function httpLoad(options: {
  url: string;
  paths: string[];
  headers: Record<string, string>;
  connections: number;
  seconds: number;
}): Promise<Result> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [path.join(import.meta.dirname, 'http-load.mjs')], {
      stdio: ['pipe', 'pipe', 'inherit'],
    });
    const out: Buffer[] = [];
    child.stdout.on('data', (chunk: Buffer) => out.push(chunk));
    child.on('error', reject);
    child.on('close', (code) => {
      if (code !== 0) return reject(new Error(`the load generator exited with ${code}`));
      resolve(JSON.parse(Buffer.concat(out).toString('utf8')) as Result);
    });
    child.stdin.end(JSON.stringify(options));
  });
}
