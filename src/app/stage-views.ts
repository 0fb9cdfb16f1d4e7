import { html, type TemplateResult } from 'lit';
import type { Route, StageId } from './routes';
import type { StageStatus } from './stage-status';
import type { OpenCorpusDetail } from '../components/corpus-view/corpus-view';

/**
 * Which element shows each built stage. Adding a stage view = one entry here: `load` imports the
 * element's module (a separate chunk, fetched the first time the stage is opened) and `render`
 * returns its template. Every stage has one.
 */
export interface StageViewContext {
  route: Route;
  status: StageStatus;
  /** Moves to another route; `replace` swaps the history entry instead of adding one. */
  navigate(route: Route, replace?: boolean): void;
}

export interface StageView {
  load(): Promise<unknown>;
  render(ctx: StageViewContext): TemplateResult;
}

export const STAGE_VIEWS: Record<StageId, StageView> = {
  corpus: {
    load: () => import('../components/corpus-view/corpus-view'),
    render: ({ route, navigate }) => html`<corpus-view
      .corpusId=${route.params[0] ?? null}
      @pa-open-corpus=${(e: CustomEvent<OpenCorpusDetail>) =>
        navigate({ stage: 'corpus', params: e.detail.id ? [e.detail.id] : [] }, e.detail.replace)}
    ></corpus-view>`,
  },
  personas: {
    load: () => import('../components/personas-stage/personas-stage'),
    render: () => html`<personas-stage></personas-stage>`,
  },
  quality: {
    load: () => import('../components/quality-stage/quality-stage'),
    render: () => html`<quality-stage></quality-stage>`,
  },
  profile: {
    load: () => import('../components/profile-stage/profile-stage'),
    render: () => html`<profile-stage></profile-stage>`,
  },
  align: {
    load: () => import('../components/align-stage/align-stage'),
    render: () => html`<align-stage></align-stage>`,
  },
  target: {
    load: () => import('../components/target-stage/target-stage'),
    render: () => html`<target-stage></target-stage>`,
  },
  results: {
    load: () => import('../components/results-stage/results-stage'),
    render: ({ route, navigate }) => html`<results-stage
      .runId=${route.params[0] ?? null}
      @pa-open-run=${(e: CustomEvent<string>) => navigate({ stage: 'results', params: [e.detail] }, true)}
    ></results-stage>`,
  },
};
