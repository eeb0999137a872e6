#!/usr/bin/env node
// Fails when a TypeScript import cycle exists: between files of one package (relative imports)
// or between workspace packages (imports by package name). Type-only imports count too, since a
// cycle of types still couples the two files.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';

const root = resolve(dirname(new URL(import.meta.url).pathname), '..');
const workspaces = ['packages', 'apps'].flatMap((d) =>
  readdirSync(join(root, d))
    .map((n) => join(root, d, n))
    .filter((p) => statSync(p).isDirectory()),
);
const pkgName = new Map();
for (const dir of workspaces) {
  try {
    pkgName.set(JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')).name, dir);
  } catch {}
}

function* tsFiles(dir) {
  for (const name of readdirSync(dir)) {
    if (name === 'node_modules' || name === 'dist') continue;
    const p = join(dir, name);
    if (statSync(p).isDirectory()) yield* tsFiles(p);
    else if (/\.tsx?$/.test(name) && !/\.d\.ts$/.test(name)) yield p;
  }
}

const importRe = /(?:import|export)\s[^'"]*?from\s*['"]([^'"]+)['"]|import\(\s*['"]([^'"]+)['"]\s*\)/g;
const fileEdges = new Map();
const pkgEdges = new Map();
for (const [name, dir] of pkgName) {
  pkgEdges.set(name, new Set());
  for (const file of tsFiles(dir)) {
    const deps = new Set();
    const src = readFileSync(file, 'utf8');
    for (const m of src.matchAll(importRe)) {
      const spec = m[1] ?? m[2];
      if (spec.startsWith('.')) {
        let target = resolve(dirname(file), spec);
        if (!/\.tsx?$/.test(target))
          target = [`${target}.ts`, join(target, 'index.ts')].find(exists) ?? target;
        deps.add(target);
      } else {
        const dep = [...pkgName.keys()].find((n) => spec === n || spec.startsWith(`${n}/`));
        if (dep && dep !== name && !/\.test\.tsx?$/.test(file)) pkgEdges.get(name).add(dep);
      }
    }
    fileEdges.set(file, deps);
  }
}
function exists(p) {
  try {
    return statSync(p).isFile();
  } catch {
    return false;
  }
}

function findCycles(edges) {
  const cycles = [];
  const state = new Map();
  const stack = [];
  const visit = (n) => {
    state.set(n, 1);
    stack.push(n);
    for (const d of edges.get(n) ?? []) {
      if (!edges.has(d)) continue;
      if (state.get(d) === 1) cycles.push([...stack.slice(stack.indexOf(d)), d]);
      else if (!state.has(d)) visit(d);
    }
    stack.pop();
    state.set(n, 2);
  };
  for (const n of edges.keys()) if (!state.has(n)) visit(n);
  return cycles;
}

const cycles = [
  ...findCycles(pkgEdges),
  ...findCycles(fileEdges).map((c) => c.map((f) => relative(root, f))),
];
if (cycles.length > 0) {
  for (const c of cycles) console.error(`import cycle: ${c.join(' -> ')}`);
  process.exit(1);
}
console.log(`no import cycles (${fileEdges.size} files, ${pkgEdges.size} packages)`);
