/**
 * Runs `work` every `intervalMs` until stopped, never twice at once; when `again(result)` says more is
 * waiting (a full batch), it goes again at once. Errors go to `onError` and the loop carries on.
 */
export class PeriodicTask<Result> {
  private timer?: NodeJS.Timeout;
  private running?: Promise<unknown>;
  private stopped = false;

  constructor(
    private readonly work: () => Promise<Result>,
    private readonly intervalMs: number,
    private readonly onError: (error: unknown) => void,
    private readonly again: (result: Result) => boolean = () => false,
  ) {}

  start(): void {
    const loop = async () => {
      const run = this.work().then(
        (result) => this.again(result),
        (error: unknown) => {
          this.onError(error);
          return false;
        },
      );
      this.running = run;
      const more = await run;
      if (!this.stopped) this.timer = setTimeout(loop, more ? 0 : this.intervalMs);
    };
    this.timer = setTimeout(loop, this.intervalMs);
  }

  /** waits for a run under way to end */
  async stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.timer);
    await this.running;
  }
}

/** A {@link PeriodicTask} as a Nest provider: it starts once the app has bootstrapped and stops first on shutdown. */
export class ScheduledTask<Result> extends PeriodicTask<Result> {
  onApplicationBootstrap(): void {
    this.start();
  }

  onModuleDestroy(): Promise<void> {
    return this.stop();
  }
}
