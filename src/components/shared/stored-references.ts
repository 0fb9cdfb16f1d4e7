import type { ReactiveControllerHost } from 'lit';
import type { ReferenceInfo, ReferenceStoreApi } from '../../contracts/reference-store';
import { errorText } from './error-text';

/** What a stage needs of the reference store: list, describe and load stored references. */
export type StoredRefs = Pick<ReferenceStoreApi, 'listReferences' | 'getReferenceInfo' | 'loadReferenceCloud'>;

/**
 * The stored references a stage form offers. `list` stays undefined until first listed; a store
 * that cannot list leaves it empty and reports why through `onProblem` (the stage's status line);
 * the host is asked to render after each listing.
 */
export class StoredReferenceList {
  list: ReferenceInfo[] | undefined;

  constructor(
    private readonly host: ReactiveControllerHost,
    private readonly storeOf: () => StoredRefs | undefined,
    private readonly onProblem: (text: string) => void,
  ) {}

  /** Lists the store's references again (nothing without a store). */
  async load(): Promise<void> {
    const store = this.storeOf();
    if (!store) return;
    try {
      this.list = await store.listReferences();
    } catch (e) {
      this.list = [];
      this.onProblem(`Stored references could not be listed: ${errorText(e)}`);
    }
    this.host.requestUpdate();
  }
}
