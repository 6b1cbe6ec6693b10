#!/usr/bin/env node
// Runs the bundled commands like bin/run.js but with oclif's development mode (debug output, no manifest).
import { loadCli } from './load-cli.js';

if (process.env.NO_COLOR !== undefined || process.argv.includes('--no-color')) process.env.FORCE_COLOR = '0';
await loadCli().execute({ development: true, dir: import.meta.url });
