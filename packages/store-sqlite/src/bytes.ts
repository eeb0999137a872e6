/** A plain Uint8Array copy of a blob that better-sqlite3 returned as a Buffer. */
export function toBytes(blob: Uint8Array): Uint8Array {
  return new Uint8Array(blob);
}
