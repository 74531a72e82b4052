/** Reads the sections of a `gpu-exporter-*.txt` capture (banner-delimited; see fixtures SOURCES.md). */
import { readFileSync } from 'node:fs';

/** Sections by their banner title, e.g. `load :: query-gpu (csv, what the exporter parses)`. */
export function readCaptureSections(path: string): Map<string, string> {
  const lines = readFileSync(path, 'utf8').split(/\r?\n/);
  const bar = '#'.repeat(80);
  const sections = new Map<string, string>();
  let name: string | null = null;
  let body: string[] = [];
  for (let i = 0; i < lines.length; i++) {
    const title = lines[i + 1] ?? '';
    if (lines[i] === bar && /^# .+ :: /.test(title)) {
      if (name) sections.set(name, body.join('\n'));
      name = title.slice(2).trim();
      let j = i + 2;
      while (j < lines.length && lines[j] !== bar) j++;
      i = j;
      body = [];
    } else if (name) body.push(lines[i] ?? '');
  }
  if (name) sections.set(name, body.join('\n'));
  return sections;
}

/** The body of the first section whose title starts with `prefix`. */
export function section(sections: Map<string, string>, prefix: string): string {
  for (const [k, v] of sections) if (k.startsWith(prefix)) return v;
  throw new Error(`no section ${prefix}`);
}
