import { ReadinessProbe } from '../../src';

/** A readiness probe whose answer the test sets. */
export class FakeProbe implements ReadinessProbe {
  healthy = true;

  constructor(readonly name: string) {}

  async check(): Promise<void> {
    if (!this.healthy) throw new Error(`${this.name} refused the connection`);
  }
}
