#!/usr/bin/env node
// The `gpuoptimizer-agent` executable: a shim over the compiled agent (npm run build first).
import { main } from '../dist/main.js';

process.exit(await main(process.argv.slice(2)));
