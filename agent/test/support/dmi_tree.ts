/** Builds a fake sysfs tree (`<root>/sys/class/dmi/id/*`, `<root>/sys/hypervisor/uuid`) from values. */
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** Writes the files (each value ends in a newline, as sysfs does) and returns the DMI directory. */
export function makeDmiTree(files: Record<string, string>, hypervisorUuid?: string): string {
  const root = mkdtempSync(join(tmpdir(), 'dmi-'));
  const dmi = join(root, 'sys', 'class', 'dmi', 'id');
  mkdirSync(dmi, { recursive: true });
  for (const [name, value] of Object.entries(files)) writeFileSync(join(dmi, name), `${value}\n`);
  if (hypervisorUuid !== undefined) {
    mkdirSync(join(root, 'sys', 'hypervisor'), { recursive: true });
    writeFileSync(join(root, 'sys', 'hypervisor', 'uuid'), `${hypervisorUuid}\n`);
  }
  return dmi;
}
