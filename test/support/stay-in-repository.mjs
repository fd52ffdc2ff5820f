// Loaded into every test process (scripts/run-tests.mjs sets NODE_OPTIONS, so the CLI processes tests start load
// it too): a test, a fixture or a start-up path that reads a file beside the repository fails at once. The tests
// must pass on a fresh clone with nothing next to it, and a read of `../shared` passes only where it happens to
// be there. Only `fs` is watched: it is what project code reads files with.
import fs from 'node:fs';
import { syncBuiltinESMExports } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const repository = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const beside = path.dirname(repository);
// A worktree may share another checkout's node_modules by a symlink; what it points to is the repository's too.
const dependencies = (() => {
  try {
    return fs.realpathSync(path.join(repository, 'node_modules'));
  } catch {
    return path.join(repository, 'node_modules');
  }
})();

const within = (file, folder) => file === folder || file.startsWith(folder + path.sep);

/**
 * Whether a path lies inside a folder beside the repository (`../shared`, another checkout). A tool that walks up
 * from the repository looking for a package.json, a tsconfig or a node_modules folder may look at the parent's own
 * entries and its node_modules; nothing inside a sibling folder is the project's.
 */
function besideTheRepository(file) {
  if (!within(file, beside) || within(file, repository) || within(file, dependencies)) return false;
  const [sibling, ...inside] = path.relative(beside, file).split(path.sep);
  return inside.length > 0 && sibling !== 'node_modules';
}

function check(target) {
  if (typeof target !== 'string' && !(target instanceof URL) && !Buffer.isBuffer(target)) return;
  const file = path.resolve(target instanceof URL ? fileURLToPath(target) : String(target));
  if (besideTheRepository(file))
    throw new Error(
      `a test read ${file}, outside the repository (${repository}): copy what it needs into the repository`,
    );
}

const watched = ['readFileSync', 'readdirSync', 'statSync', 'lstatSync', 'existsSync', 'openSync', 'opendirSync'];
const watchedCallbacks = ['readFile', 'readdir', 'stat', 'lstat', 'open', 'opendir', 'createReadStream'];
const watchedPromises = ['readFile', 'readdir', 'stat', 'lstat', 'open', 'opendir'];

for (const name of [...watched, ...watchedCallbacks]) {
  const original = fs[name];
  fs[name] = function watchedRead(target, ...rest) {
    check(target);
    return original.call(this, target, ...rest);
  };
}
for (const name of watchedPromises) {
  const original = fs.promises[name];
  fs.promises[name] = async function watchedRead(target, ...rest) {
    check(target);
    return original.call(this, target, ...rest);
  };
}
syncBuiltinESMExports();
