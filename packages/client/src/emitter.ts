/**
 * A small typed event emitter. A listener that throws is reported, never breaks the emitter
 * (observers never veto).
 *
 * @example
 * const e = createEmitter<{ ping: number }>(); e.on('ping', (n) => console.log(n)); e.emit('ping', 1);
 */
export const createEmitter = <M extends object>() => {
  const listeners = new Map<keyof M, Set<(payload: never) => void>>();
  return {
    on<K extends keyof M>(event: K, listener: (payload: M[K]) => void): void {
      let set = listeners.get(event);
      if (!set) listeners.set(event, (set = new Set()));
      set.add(listener as (payload: never) => void);
    },
    off<K extends keyof M>(event: K, listener: (payload: M[K]) => void): void {
      listeners.get(event)?.delete(listener as (payload: never) => void);
    },
    emit<K extends keyof M>(event: K, payload: M[K]): void {
      const set = listeners.get(event);
      if (!set) return;
      for (const l of [...set]) {
        try {
          (l as (payload: M[K]) => void)(payload);
        } catch (err) {
          console.error(`parley client: a ${String(event)} listener threw`, err);
        }
      }
    },
    removeAll(): void {
      listeners.clear();
    },
    count<K extends keyof M>(event: K): number {
      return listeners.get(event)?.size ?? 0;
    },
  };
};

export type Emitter<M extends object> = ReturnType<typeof createEmitter<M>>;
