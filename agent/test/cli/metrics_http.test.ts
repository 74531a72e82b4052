import { describe, expect, it } from 'vitest';
import { renderMetrics, startMetricsServer } from '../../src/metrics_http.js';

describe('metrics endpoint', () => {
  it('serves the Prometheus text format on /metrics, reading fresh values per scrape, and 404 elsewhere', async () => {
    let produced = 1;
    const server = await startMetricsServer('127.0.0.1:0', () => [
      { name: 'gpuoptimizer_agent_produced_samples_total', type: 'counter', help: 'Samples committed.', samples: [{ value: produced++ }] },
      { name: 'gpuoptimizer_agent_exporter_state', type: 'gauge', help: 'State.', samples: [{ labels: { state: 'connected' }, value: 1 }] },
    ], () => {});
    try {
      const url = `http://127.0.0.1:${server.port}`;
      const first = await (await fetch(`${url}/metrics`)).text();
      expect(first).toContain('# TYPE gpuoptimizer_agent_produced_samples_total counter\ngpuoptimizer_agent_produced_samples_total 1\n');
      expect(first).toContain('gpuoptimizer_agent_exporter_state{state="connected"} 1');
      expect(await (await fetch(`${url}/metrics`)).text()).toContain('gpuoptimizer_agent_produced_samples_total 2');
      expect((await fetch(`${url}/other`)).status).toBe(404);
    } finally {
      await Promise.all([server.shutdown(), server.shutdown()]);
    }
  });

  it('never renders a non-finite value or a label that breaks the format', () => {
    const text = renderMetrics([{ name: 'm', type: 'gauge', help: 'h', samples: [{ labels: { a: 'x"y\nz' }, value: NaN }] }]);
    expect(text).toContain('m{a="x_y_z"} 0');
  });
});
