import { describe, expect, test } from 'vitest';
import { stageStatuses } from '../../../src/app/stage-status';
import type { CorpusInfo } from '../../../src/contracts/corpus-store';

const corpus = { id: 'c1', name: 'demo', authors: 40, posts: 400, status: 'ready', createdAt: 0, files: [], formats: [] } as unknown as CorpusInfo;

describe('stage statuses with persona counts', () => {
  test('without counts the persona stages say what they need', () => {
    const s = stageStatuses({ corpora: [corpus], activeCorpusId: 'c1' });
    expect(s.personas).toEqual({ state: 'ready', text: 'not started' });
    expect(s.quality.state).toBe('blocked');
    expect(s.profile.state).toBe('blocked');
  });

  test('mined, kept and profiled counts move the stages on', () => {
    const s = stageStatuses({ corpora: [corpus], activeCorpusId: 'c1', personas: { mined: 2, kept: 3, rejected: 1, profiled: 4 } });
    expect(s.personas).toEqual({ state: 'done', text: '10 personas' });
    expect(s.quality).toEqual({ state: 'ready', text: '2 to assess' });
    expect(s.profile).toEqual({ state: 'done', text: '4 profiled' });
    const t = stageStatuses({ corpora: [corpus], activeCorpusId: 'c1', personas: { mined: 0, kept: 3, rejected: 1, profiled: 0 } });
    expect(t.quality).toEqual({ state: 'done', text: '3 kept' });
    expect(t.profile).toEqual({ state: 'ready', text: 'not started' });
  });
});
