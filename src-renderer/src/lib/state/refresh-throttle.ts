/**
 * A panel's refresh while a job streams progress: at most one per `intervalMs`, the last one
 * never dropped (a refresh asked for during the quiet time runs when it ends).
 */
export class RefreshThrottle {
  private last = 0;
  private pending: ReturnType<typeof setTimeout> | undefined;

  constructor(
    private readonly intervalMs: number,
    private readonly refresh: () => void,
  ) {}

  /** A refresh starts now (whoever started it): the quiet time counts from here. */
  started(): void {
    this.last = performance.now();
  }

  /** Refreshes once the quiet time since the last refresh has passed. */
  soon(): void {
    if (this.pending) return;
    const wait = Math.max(0, this.intervalMs - (performance.now() - this.last));
    this.pending = setTimeout(() => {
      this.pending = undefined;
      this.refresh();
    }, wait);
  }
}
