/**
 * Notices an engine that stopped answering: every `everyMs` it sends a ping, and once nothing
 * was heard from the engine for longer than `limitMs()` it reports the silence (once; then
 * it stops). Anything the engine sends counts as an answer. A tick that comes late because
 * the host itself was busy gives the engine a fresh window: its answers may be waiting unread.
 */
export class Heartbeat {
  private timer: ReturnType<typeof setInterval> | undefined;
  private lastHeard = 0;
  private lastTick = 0;

  constructor(
    private readonly everyMs: number,
    private readonly ping: () => void,
    private readonly limitMs: () => number,
    private readonly silent: (silentMs: number) => void,
  ) {}

  start(): void {
    this.stop();
    this.lastHeard = this.lastTick = performance.now();
    this.timer = setInterval(() => this.tick(), this.everyMs);
    this.timer.unref?.();
  }

  heard(): void {
    this.lastHeard = performance.now();
  }

  stop(): void {
    clearInterval(this.timer);
    this.timer = undefined;
  }

  private tick(): void {
    const now = performance.now();
    if (now - this.lastTick > this.everyMs * 3) this.lastHeard = now;
    this.lastTick = now;
    const silentMs = now - this.lastHeard;
    if (silentMs > this.limitMs()) {
      this.stop();
      this.silent(silentMs);
      return;
    }
    this.ping();
  }
}
