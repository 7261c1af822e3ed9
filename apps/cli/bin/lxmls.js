#!/usr/bin/env node
// The `lxmls` command: runs the compiled CLI (built by `tsc --build`, which the workspace's install runs).
import { main } from '../dist/main.js';

process.exitCode = await main(process.argv.slice(2));
