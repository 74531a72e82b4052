/**
 * The config file both executables take (`--config`): YAML or JSON, a mapping of setting keys
 * (snake_case, dashes accepted). An unknown key is an error, so a typo never silently falls back
 * to a default.
 */
import { existsSync, readFileSync } from 'node:fs';
import { parse as parseYaml } from 'yaml';
import { SettingsError, type SettingSpec } from './settings.js';

/** Reads a config file into a flat map of the given settings' keys. */
export function readSettingsFile(path: string, specs: readonly SettingSpec[]): Record<string, unknown> {
  if (!existsSync(path)) throw new SettingsError(`config file ${path}: not found`);
  let parsed: unknown;
  try {
    parsed = parseYaml(readFileSync(path, 'utf8'));
  } catch (err) {
    throw new SettingsError(`config file ${path}: ${(err as Error).message.split('\n')[0]}`);
  }
  if (parsed === null || parsed === undefined) return {};
  if (typeof parsed !== 'object' || Array.isArray(parsed)) throw new SettingsError(`config file ${path}: expected a mapping of settings`);
  const known = new Set(specs.map((x) => x.key));
  const out: Record<string, unknown> = {};
  for (const [rawKey, value] of Object.entries(parsed)) {
    const key = rawKey.replace(/-/g, '_');
    if (!known.has(key) || key === 'config') throw new SettingsError(`config file ${path}: unknown setting "${rawKey}"`);
    out[key] = value;
  }
  return out;
}
