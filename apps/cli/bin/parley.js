#!/usr/bin/env node
// The parley binary: runs the TypeScript sources through tsx (the workspace ships no build).
import { register } from 'tsx/esm/api';

register();
await import('../src/main.ts');
