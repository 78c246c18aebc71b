type Handler = (...args: unknown[]) => void;

/** A minimal typed event emitter that runs in browsers and Node alike. */
export class TypedEvents<Events extends { [name: string]: unknown[] }> {
  private readonly handlers = new Map<keyof Events, Set<Handler>>();

  /** Calls `handler` on every `event`; returns a function that removes it. */
  on<E extends keyof Events>(event: E, handler: (...args: Events[E]) => void): () => void {
    let set = this.handlers.get(event);
    if (!set) {
      set = new Set();
      this.handlers.set(event, set);
    }
    set.add(handler as unknown as Handler);
    return () => this.off(event, handler);
  }

  /** Removes a handler added with `on`. */
  off<E extends keyof Events>(event: E, handler: (...args: Events[E]) => void): void {
    this.handlers.get(event)?.delete(handler as unknown as Handler);
  }

  /** Calls the handlers of `event`; true when there was one. */
  protected emit<E extends keyof Events>(event: E, ...args: Events[E]): boolean {
    const set = this.handlers.get(event);
    if (!set?.size) return false;
    for (const handler of [...set]) handler(...args);
    return true;
  }
}
