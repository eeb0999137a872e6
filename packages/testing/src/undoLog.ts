/**
 * Transactions for in-memory stores: while a transaction runs, every write records how to undo
 * itself; a throw undoes the writes back to where the (possibly nested) transaction began.
 */
export interface UndoLog {
  /** True inside `run`. */
  readonly active: boolean;
  /** Records how to undo a write that just happened (ignored outside a transaction). */
  record(undo: () => void): void;
  /** Runs `fn` as a transaction; nested calls roll back only their own writes when they throw. */
  run<T>(fn: () => T): T;
}

/**
 * @example
 * const log = createUndoLog();
 * const set = (k, v) => { const old = map.get(k); map.set(k, v); log.record(() => restore(k, old)); };
 * log.run(() => { set('a', 1); throw new Error('no'); }); // map is back as it was
 */
export function createUndoLog(): UndoLog {
  const undos: (() => void)[] = [];
  let depth = 0;
  return {
    get active() {
      return depth > 0;
    },
    record(undo) {
      if (depth > 0) undos.push(undo);
    },
    run(fn) {
      const mark = undos.length;
      depth++;
      try {
        const result = fn();
        if (result instanceof Promise) throw new Error('transaction() takes a synchronous function');
        return result;
      } catch (error) {
        while (undos.length > mark) undos.pop()!();
        throw error;
      } finally {
        depth--;
        if (depth === 0) undos.length = 0;
      }
    },
  };
}

/** Sets `map[key] = value` and records how to restore the previous entry (position included). */
export function setUndoable<K, V>(log: UndoLog, map: Map<K, V>, key: K, value: V): void {
  const had = map.has(key);
  const old = map.get(key);
  map.set(key, value);
  log.record(() => {
    if (had) map.set(key, old as V);
    else map.delete(key);
  });
}

/** Deletes the entries `drop` selects and records how to put the map back exactly (order included). */
export function deleteWhereUndoable<K, V>(
  log: UndoLog,
  map: Map<K, V>,
  drop: (key: K, value: V) => boolean,
): void {
  const before = log.active ? [...map] : [];
  let changed = false;
  for (const [key, value] of map) {
    if (drop(key, value)) {
      map.delete(key);
      changed = true;
    }
  }
  if (!changed) return;
  log.record(() => {
    map.clear();
    for (const [key, value] of before) map.set(key, value);
  });
}
