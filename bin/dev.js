#!/usr/bin/env node
// Runs the compiled commands like bin/run.js but with oclif's development mode (debug output, no manifest).
if (process.env.NO_COLOR !== undefined || process.argv.includes('--no-color')) process.env.FORCE_COLOR = '0';
const { execute } = await import('@oclif/core');
await execute({ development: true, dir: import.meta.url });
