/** `gpuoptimizer-collector`: serve | catalog import <file> | version | --help. */
import { parseArgv, settingsHelp, SettingsError } from '@gpuoptimizer/shared';
import { COLLECTOR_SETTINGS, loadCollectorConfig } from './config.js';
import { createLogger } from './log.js';
import { startCollector } from './serve.js';
import { COMMIT, VERSION } from './version.js';
import { importCatalog, importedCatalogPath } from './catalog_file.js';

const USAGE = `gpuoptimizer-collector — receives GPU samples from agents, stores them, serves the REST API

Usage:
  gpuoptimizer-collector serve [settings]      run the collector (REST API + gRPC ingest)
  gpuoptimizer-collector catalog import <file> validate a newer GPU instance catalog CSV and use it from the next start
  gpuoptimizer-collector version               print the version
  gpuoptimizer-collector <command> --help      help for a command

Every setting can be given as a flag, an environment variable, or a key in a YAML/JSON file
passed with --config <file> (GPUOPT_COLLECTOR_CONFIG). Flags win over the environment, the
environment over the file.`;

const SERVE_HELP = `gpuoptimizer-collector serve — run the collector

Settings (flag [ENVIRONMENT] (default)):
${settingsHelp(COLLECTOR_SETTINGS)}
  --config <file>                    YAML or JSON file of settings [GPUOPT_COLLECTOR_CONFIG]
  --local-agent-key-file <file>      write an agent API key for a local agent here (used by npm start)`;

async function serveCommand(flags: Map<string, string | true>): Promise<number> {
  const keyFile = flags.get('local-agent-key-file');
  flags.delete('local-agent-key-file');
  const config = loadCollectorConfig(flags, process.env);
  const { logger, log } = createLogger(config.logLevel);
  let running: Awaited<ReturnType<typeof startCollector>>;
  try {
    running = await startCollector(config, { log, logger }, { localAgentKeyFile: typeof keyFile === 'string' ? keyFile : undefined, failpoints: process.env.GPUOPT_FAILPOINTS });
  } catch (err) {
    log('error', 'collector failed to start', { error: err instanceof Error ? err.message : String(err) });
    logger.flush();
    console.error(`gpuoptimizer-collector: cannot start: ${err instanceof Error ? err.message : String(err)}`);
    return 1;
  }
  console.log(`GPUOptimizer collector ${VERSION}: REST http://${config.host}:${running.httpPort}  gRPC ${config.host}:${running.grpcPort}  data ${config.dataDir}`);
  await new Promise<void>((resolve) => {
    const stop = (signal: string) => {
      log('info', 'shutting down', { signal });
      void running.shutdown(10_000).then(resolve);
    };
    process.once('SIGINT', () => stop('SIGINT'));
    process.once('SIGTERM', () => stop('SIGTERM'));
  });
  log('info', 'collector stopped');
  logger.flush();
  return 0;
}

const CATALOG_HELP = `gpuoptimizer-collector catalog import <file> [--data-dir <dir>]

Validates a GPU instance catalog CSV (columns: provider, instance_type, gpu_model, gpu_count,
gpu_memory_gib_per_gpu, vcpus, memory_gib, region, on_demand_usd_per_hour, spot_usd_per_hour,
source) and, when every row is valid, installs it under DATA_DIR/catalog/ so the collector prices
from it at its next start. Nothing is installed when any row is invalid; each error names its
line and column.`;

function catalogCommand(positionals: string[], flags: Map<string, string | true>): number {
  if (flags.has('help') || positionals[0] !== 'import' || !positionals[1]) {
    console.log(CATALOG_HELP);
    return flags.has('help') ? 0 : 2;
  }
  const file = positionals[1];
  flags.delete('help');
  const config = loadCollectorConfig(flags, process.env);
  const result = importCatalog(config.dataDir, file);
  for (const w of result.warnings) console.error(`warning: ${w}`);
  if (!result.ok) {
    for (const e of result.errors) console.error(`error: ${e}`);
    console.error(`catalog not imported: ${result.errors.length} error(s) in ${file}`);
    return 1;
  }
  console.log(`catalog imported: ${result.identity.rows} rows, sha256 ${result.identity.sha256} → ${importedCatalogPath(config.dataDir)} (used from the next start)`);
  return 0;
}

/** Runs the CLI; resolves with the exit code. */
export async function main(argv: string[]): Promise<number> {
  const { command, positionals, flags } = parseArgv(argv);
  try {
    if (command === undefined || command === 'help') {
      console.log(USAGE);
      return command === undefined && !flags.has('help') ? 2 : 0;
    }
    if (command === 'version') {
      console.log(flags.has('json') ? JSON.stringify({ version: VERSION, commit: COMMIT }) : `gpuoptimizer-collector ${VERSION} (${COMMIT})`);
      return 0;
    }
    if (command === 'catalog') return catalogCommand(positionals, flags);
    if (command === 'serve') {
      if (flags.has('help')) {
        console.log(SERVE_HELP);
        return 0;
      }
      return await serveCommand(flags);
    }
    console.error(`gpuoptimizer-collector: unknown command "${command}"\n\n${USAGE}`);
    return 2;
  } catch (err) {
    if (err instanceof SettingsError) {
      console.error(`gpuoptimizer-collector: ${err.message}`);
      return 2;
    }
    throw err;
  }
}
