// Lint rules that keep STYLE.md's dependency arrows true.
import tseslint from 'typescript-eslint';

const restrict = (patterns) => ({ 'no-restricted-imports': ['error', { patterns }] });

export default tseslint.config(
  { ignores: ['**/dist/**', '**/node_modules/**', 'data/**', 'installers/**/build/**'] },
  ...tseslint.configs.recommended,
  {
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
    },
  },
  // shared imports nothing of ours.
  {
    files: ['shared/**/*.ts'],
    rules: restrict([{ group: ['@gpuoptimizer/agent*', '@gpuoptimizer/collector*', '**/agent/**', '**/collector/**'], message: 'shared imports nothing of ours' }]),
  },
  // agent and collector import only shared, never each other.
  {
    files: ['agent/src/**/*.ts'],
    rules: restrict([{ group: ['@gpuoptimizer/collector*', '**/collector/**'], message: 'the agent may import only shared' }]),
  },
  {
    files: ['collector/src/**/*.ts'],
    rules: restrict([{ group: ['@gpuoptimizer/agent*', '**/agent/**'], message: 'the collector may import only shared' }]),
  },
  // domain is pure: no HTTP, SQL, ClickHouse, gRPC or SDK, and no adapter of ours.
  {
    files: ['collector/src/domain/**/*.ts'],
    rules: restrict([
      {
        group: ['hono', 'hono/*', '@hono/*', 'better-sqlite3', '@clickhouse/*', 'chdb', 'chdb/*', '@grpc/*', 'stripe', 'nodemailer', 'node:http', 'node:fs', 'node:net', '../api/*', '../stores/*', '../ingest/*', '../integrations/*', '../../api/*', '../../stores/*', '../../ingest/*', '../../integrations/*'],
        message: 'domain/ is pure functions over plain data: adapters depend on it, never the reverse',
      },
    ]),
  },
  // API handlers never reach a driver: they go through stores and domain.
  {
    files: ['collector/src/api/**/*.ts'],
    rules: restrict([{ group: ['better-sqlite3', '@clickhouse/*', 'chdb', 'chdb/*', 'stripe'], message: 'api/ handlers import no driver: use a store or integration' }]),
  },
  // The agent's scrapers do not know about the buffer or exporter.
  {
    files: ['agent/src/scrapers/**/*.ts'],
    rules: restrict([{ group: ['../buffer/*', '../exporter/*', '**/buffer/**', '**/exporter/**'], message: 'scrapers feed the pipeline; they do not reach the buffer or exporter' }]),
  },
);
