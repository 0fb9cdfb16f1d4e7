/** The shell mounts the Personas, Quality and Profile views on their routes (lazy chunks). */
import { afterEach, describe, expect, test } from 'vitest';
import '../../../src/app/app-shell';
import type { AppShell } from '../../../src/app/app-shell';
import { createDefaultServices } from '../../../src/app/default-services';
import { deepQuery, freshDbName, waitFor } from '../ui/helpers';

let shell: AppShell | undefined;
afterEach(() => {
  shell?.remove();
  history.replaceState(null, '', '#/corpus');
});

describe('shell routes', () => {
  test('#/personas, #/quality, #/profile show their stage views', async () => {
    history.replaceState(null, '', '#/personas');
    shell = document.createElement('app-shell');
    shell.services = await createDefaultServices({ dbName: freshDbName('stage-ui-shell') });
    document.body.append(shell);
    await waitFor(() => deepQuery('personas-stage'), 10_000, 'personas-stage');
    location.hash = '#/quality';
    await waitFor(() => deepQuery('quality-stage'), 10_000, 'quality-stage');
    location.hash = '#/profile';
    const profile = await waitFor(() => deepQuery('profile-stage'), 10_000, 'profile-stage');
    // Human references are managed here, whatever the corpus state.
    await waitFor(() => profile.shadowRoot?.querySelector('reference-manager'), 10_000, 'reference-manager');
    expect(deepQuery('stage-placeholder')).toBeNull();
  });
});
