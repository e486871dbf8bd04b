// A tiny typed event emitter: console-core's events cross IPC in the desktop app, so listeners
// get plain data and subscribing returns an unsubscribe function (no EventEmitter semantics).
export type Unsubscribe = () => void;
export type Listener<T> = (value: T) => void;

export class Emitter<T> {
  private readonly listeners = new Set<Listener<T>>();

  on(listener: Listener<T>): Unsubscribe {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  emit(value: T): void {
    // A copy: a listener may unsubscribe while we iterate.
    for (const l of [...this.listeners]) l(value);
  }

  get size(): number {
    return this.listeners.size;
  }
}
