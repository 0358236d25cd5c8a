// Files a command writes for the user (run directories, assess --out, config-out): directories 0700, files
// 0600, written atomically (temp file in the same directory, fsync, rename) and redacted. They may hold
// example key values (data) and host names, so no other local user may read them.

import { randomBytes } from 'node:crypto';
import {
  chmodSync,
  closeSync,
  fchmodSync,
  fsyncSync,
  mkdirSync,
  openSync,
  renameSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { join } from 'node:path';
import { redactText } from '../config/urls.js';
import { MigrationError } from '../errors.js';

/** Create `dir` (with parents) and make it 0700, also when it already existed. CONFIG_INVALID if it cannot. */
export function makePrivateDir(dir: string, what: string): void {
  try {
    mkdirSync(dir, { recursive: true, mode: 0o700 });
    chmodSync(dir, 0o700);
  } catch (e) {
    throw new MigrationError(
      'CONFIG_INVALID',
      `Cannot create the ${what} ${dir}: ${e instanceof Error ? e.message : String(e)}`,
      { hint: 'Check that its parent exists and is writable, or choose another directory.', cause: e },
    );
  }
}

/** Write a file atomically with mode 0600: temp file in the same directory, fsync, rename. Not redacted. */
export function writeFileAtomic(dir: string, name: string, content: string): void {
  const final = join(dir, name);
  const tmp = join(dir, `.${name}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`);
  const fd = openSync(tmp, 'wx', 0o600);
  try {
    fchmodSync(fd, 0o600);
    writeFileSync(fd, content);
    fsyncSync(fd);
  } catch (e) {
    closeSync(fd);
    rmSync(tmp, { force: true });
    throw e;
  }
  closeSync(fd);
  try {
    renameSync(tmp, final);
  } catch (e) {
    rmSync(tmp, { force: true });
    throw e;
  }
}

/** makePrivateDir + writeFileAtomic of the redacted text. */
export function writePrivateFile(
  dir: string,
  name: string,
  content: string,
  what = 'output directory',
): void {
  makePrivateDir(dir, what);
  writeFileAtomic(dir, name, redactText(content));
}
