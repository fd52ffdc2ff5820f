import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';

// Building the Go programs of interop/go, for the tests that hold LEDS to the Go checksum database's packages
// (golang.org/x/mod's sumdb/note and sumdb/tlog): offline, against Debian's x/mod, into a temporary folder.

const goModule = path.resolve(import.meta.dirname, '..', '..', 'interop', 'go');
const xMod = '/usr/share/gocode/src/golang.org/x/mod';
const packages = 'golang-go golang-golang-x-mod-dev';

/** Why the Go checks cannot run here, or undefined when they can. */
export function goMissing(): string | undefined {
  const go = spawnSync('go', ['version'], { encoding: 'utf8' });
  if (go.error || go.status !== 0) return `no \`go\` on PATH: apt-get install ${packages}`;
  if (!existsSync(path.join(xMod, 'sumdb', 'note', 'note.go')) || !existsSync(path.join(xMod, 'sumdb', 'tlog')))
    return `golang.org/x/mod is not under ${xMod}: apt-get install ${packages}`;
  return undefined;
}

/** Set in CI, where a Go check that cannot run is a failure and not a skip. */
export const goRequired = process.env.LEDS_REQUIRE_GO_INTEROP === '1';

/** The `skip` option of a suite of Go checks: its reason when Go is missing and not required, else false. */
export function goSkip(missing: string | undefined): string | false {
  return missing && !goRequired ? `${missing} (LEDS_REQUIRE_GO_INTEROP=1 makes this a failure)` : false;
}

/**
 * Only the toolchain, the Debian x/mod sources (the go.mod's replace) and this temporary folder: no module proxy,
 * no network, no `go env` file or module cache from the home folder.
 */
export function goEnvironment(folder: string): NodeJS.ProcessEnv {
  return {
    ...process.env,
    GOCACHE: path.join(folder, 'cache'),
    GOPATH: path.join(folder, 'gopath'),
    GOENV: 'off',
    GOWORK: 'off',
    GOFLAGS: '-mod=readonly',
    GOPROXY: 'off',
    GOSUMDB: 'off',
    GOTOOLCHAIN: 'local',
    CGO_ENABLED: '0',
  };
}

/** Builds interop/go/<program> into `folder` and gives the executable's path. */
export function buildGoProgram(folder: string, program: string): string {
  const executable = path.join(folder, program);
  const started = performance.now();
  const built = spawnSync('go', ['build', '-o', executable, `./${program}`], {
    cwd: goModule,
    env: goEnvironment(folder),
    encoding: 'utf8',
    timeout: 300_000,
  });
  assert.equal(built.status, 0, `go build failed:\n${built.stderr}${built.error ?? ''}`);
  console.log(`# go build of interop/go/${program}: ${Math.round(performance.now() - started)} ms`);
  return executable;
}
