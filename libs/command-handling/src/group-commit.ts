/** What {@link GroupCommit} needs: how to write a group, how to write one item alone. */
export interface GroupCommitOptions<Item, Outcome> {
  /** writes the items in one transaction; the outcomes in the items' order */
  writeGroup(items: Item[]): Promise<Outcome[]>;
  /** writes one item in a transaction of its own: what a failed group's items fall back to */
  writeOne(item: Item): Promise<Outcome>;
  /** items that share a slot never share a group (e.g. one Idempotency-Key, or one contact); undefined: no slot */
  slotOf?(item: Item): string | readonly string[] | undefined;
  /** largest group (default 64) */
  maxGroup?: number;
  /** groups being written at once (default 2) */
  parallel?: number;
}

interface Waiting<Item, Outcome> {
  item: Item;
  resolve(outcome: Outcome): void;
  reject(error: unknown): void;
}

/**
 * Group commit: what is submitted while groups are being written waits for the next group and is written
 * with it, in one transaction. A lone request is written at once, so nobody waits for a timer; under load
 * a burst costs a few statements a group instead of a dozen an item. Should a group fail (one item's key
 * taken by another instance, say), each of its items is written alone, so the trouble stays that item's.
 */
export class GroupCommit<Item, Outcome> {
  private readonly waiting: Array<Waiting<Item, Outcome>> = [];
  private writing = 0;

  constructor(private readonly options: GroupCommitOptions<Item, Outcome>) {}

  submit(item: Item): Promise<Outcome> {
    return new Promise<Outcome>((resolve, reject) => {
      this.waiting.push({ item, resolve, reject });
      this.writeWhatWaits();
    });
  }

  private writeWhatWaits(): void {
    while (this.writing < (this.options.parallel ?? 2) && this.waiting.length > 0) {
      const group = this.takeGroup();
      this.writing++;
      void this.write(group).finally(() => {
        this.writing--;
        this.writeWhatWaits();
      });
    }
  }

  /** the oldest waiting items, up to the group size, at most one per slot (a second waits for the next group) */
  private takeGroup(): Array<Waiting<Item, Outcome>> {
    const taken = new Set<string>();
    const group: Array<Waiting<Item, Outcome>> = [];
    for (let i = 0; i < this.waiting.length && group.length < (this.options.maxGroup ?? 64);) {
      const slots = [this.options.slotOf?.(this.waiting[i].item) ?? []].flat();
      if (slots.some((slot) => taken.has(slot))) {
        i++;
        continue;
      }
      for (const slot of slots) taken.add(slot);
      group.push(...this.waiting.splice(i, 1));
    }
    return group;
  }

  private async write(group: Array<Waiting<Item, Outcome>>): Promise<void> {
    let outcomes: Outcome[];
    try {
      outcomes = await this.options.writeGroup(group.map((w) => w.item));
    } catch {
      await Promise.all(group.map((w) => this.options.writeOne(w.item).then(w.resolve, w.reject)));
      return;
    }
    group.forEach((w, i) => w.resolve(outcomes[i]));
  }
}
