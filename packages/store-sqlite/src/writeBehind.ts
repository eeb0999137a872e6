/**
 * Rows written inside the store's own transaction, held until it commits.
 *
 * The relay writes a thread row, a message index row and an op row for every message, between
 * long stretches of Yjs work. Measured in the bench's relay under load, the same `messages.put`
 * cost 35–50 µs there and 6 µs in a loop of puts in the same process and database: run between
 * other work, SQLite's code and pages are cold. Held rows are written together at the outermost
 * commit, back to back, and a row rewritten in the batch (the thread row with every message) once.
 *
 * Reads see held rows: point lookups consult them first, and every other query of a table with
 * held rows writes them out first (`flush`). A savepoint that rolls back takes back what it held and
 * what it wrote out; a failed transaction drops everything.
 */
export class HeldRows<R> {
  /** Rows in the order they were put; `[0, written)` are in the database already. */
  #log: { readonly key: string; readonly row: R }[] = [];
  #written = 0;
  /** The newest unwritten row of each key (written rows are read from the database). */
  readonly latest = new Map<string, R>();
  readonly #write: (row: R) => void;

  constructor(write: (row: R) => void) {
    this.#write = write;
  }

  put(key: string, row: R): void {
    this.#log.push({ key, row });
    this.latest.set(key, row);
  }

  /** Writes the rows not yet written (the newest of each key). */
  flush(): void {
    if (this.#written === this.#log.length) return;
    const newest = new Map<string, R>();
    for (let i = this.#written; i < this.#log.length; i++) newest.set(this.#log[i]!.key, this.#log[i]!.row);
    this.#written = this.#log.length;
    this.latest.clear();
    for (const row of newest.values()) this.#write(row);
  }

  /** Where a savepoint begins: what `undoTo` returns to. */
  mark(): readonly [number, number] {
    return [this.#log.length, this.#written];
  }

  /** The savepoint rolled back: its rows, and its writes of earlier rows, are undone. */
  undoTo([length, written]: readonly [number, number]): void {
    if (length === this.#log.length && written === this.#written) return;
    this.#log.length = length;
    this.#written = written;
    this.latest.clear();
    for (let i = written; i < length; i++) this.latest.set(this.#log[i]!.key, this.#log[i]!.row);
  }

  clear(): void {
    this.#log = [];
    this.#written = 0;
    this.latest.clear();
  }
}

/** The held rows of every table that writes behind, and whether the store's transaction is open. */
export class WriteBehind {
  /** True inside the store's own `transaction` (a raw `db.transaction` writes at once). */
  active = false;
  readonly #tables: HeldRows<unknown>[] = [];

  table<R>(write: (row: R) => void): HeldRows<R> {
    const t = new HeldRows<R>(write);
    this.#tables.push(t as HeldRows<unknown>);
    return t;
  }

  /** Writes every table's held rows (before a query that reads them in SQL, and at commit). */
  flush(): void {
    for (const t of this.#tables) t.flush();
  }

  mark(): (readonly [number, number])[] {
    return this.#tables.map((t) => t.mark());
  }

  undoTo(marks: readonly (readonly [number, number])[]): void {
    for (let i = 0; i < this.#tables.length; i++) this.#tables[i]!.undoTo(marks[i]!);
  }

  clear(): void {
    for (const t of this.#tables) t.clear();
  }
}
