import { Clock } from '@support/contracts';

/** A clock tests move by hand: time-dependent behaviour is tested without sleeping. */
export class ManualClock implements Clock {
  private current: Date;

  constructor(start: Date = new Date()) {
    this.current = new Date(start);
  }

  now(): Date {
    return new Date(this.current);
  }

  set(at: Date): void {
    this.current = new Date(at);
  }

  advanceMinutes(minutes: number): Date {
    this.current = new Date(this.current.getTime() + minutes * 60_000);
    return this.now();
  }
}
