// dist/cli.js: runs the bundled CLI (dist/cli-bundle.cjs) through V8's code cache. Compiling two
// megabytes of JavaScript is the largest part of a broker's cold start; with the cache a start
// skips it (measured with `npm run bench:broker`). A missing, stale or rejected cache only costs
// one normal start, after which it is written again next to the bundle (if the folder is writable).
import { readFileSync, renameSync, writeFileSync } from 'node:fs';
import Module from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import vm from 'node:vm';

const file = join(dirname(fileURLToPath(import.meta.url)), 'cli-bundle.cjs');
const cacheFile = `${file}.v8cache`;
let cachedData;
try {
  cachedData = readFileSync(cacheFile);
} catch {
  // first start: no cache yet
}
const script = new vm.Script(Module.wrap(readFileSync(file, 'utf8')), {
  filename: file,
  cachedData,
});
const mod = new Module(file);
mod.filename = file;
mod.paths = Module._nodeModulePaths(dirname(file));
script.runInThisContext().call(mod.exports, mod.exports, (id) => mod.require(id), mod, file, dirname(file));

if (cachedData === undefined || script.cachedDataRejected) {
  // Written once start-up is done, so the functions it compiled lazily are in the cache too.
  setTimeout(() => {
    try {
      writeFileSync(`${cacheFile}.${process.pid}`, script.createCachedData());
      renameSync(`${cacheFile}.${process.pid}`, cacheFile);
    } catch {
      // a read-only install: run without the cache
    }
  }, 1000).unref();
}
