/** The Prometheus text exposition format, for the agent's and the collector's /metrics. */

/** One metric family: name, type, help, and its samples (labels → value). */
export interface MetricFamily {
  name: string;
  type: 'counter' | 'gauge';
  help: string;
  samples: { labels?: Record<string, string>; value: number }[];
}

/** Renders metric families in the Prometheus text format. */
export function renderMetrics(families: readonly MetricFamily[]): string {
  const lines: string[] = [];
  for (const f of families) {
    lines.push(`# HELP ${f.name} ${f.help}`, `# TYPE ${f.name} ${f.type}`);
    for (const s of f.samples) {
      const labels = Object.entries(s.labels ?? {}).map(([k, v]) => `${k}="${v.replace(/["\\\n]/g, '_')}"`);
      lines.push(`${f.name}${labels.length ? `{${labels.join(',')}}` : ''} ${Number.isFinite(s.value) ? s.value : 0}`);
    }
  }
  return lines.join('\n') + '\n';
}

/** A family with one unlabelled sample, named `${prefix}${name}`. */
export function singleMetric(prefix: string) {
  return (name: string, type: MetricFamily['type'], help: string, value: number): MetricFamily => ({ name: `${prefix}${name}`, type, help, samples: [{ value }] });
}
