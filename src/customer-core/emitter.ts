// A small typed event emitter for the customer session (isomorphic: no node EventEmitter). One
// payload per event; subscribing returns an unsubscribe function.
export type Unsubscribe = () => void;

export class Events<M extends Record<string, unknown>> {
  private readonly listeners = new Map<keyof M, Set<(value: never) => void>>();

  on<K extends keyof M>(name: K, listener: (value: M[K]) => void): Unsubscribe {
    let set = this.listeners.get(name);
    if (!set) this.listeners.set(name, (set = new Set()));
    set.add(listener as (value: never) => void);
    return () => set.delete(listener as (value: never) => void);
  }

  once<K extends keyof M>(name: K, listener: (value: M[K]) => void): Unsubscribe {
    const off = this.on(name, (value) => {
      off();
      listener(value);
    });
    return off;
  }

  emit<K extends keyof M>(name: K, value: M[K]): void {
    // A copy: a listener may unsubscribe while we iterate.
    for (const l of [...(this.listeners.get(name) ?? [])]) (l as (value: M[K]) => void)(value);
  }
}
