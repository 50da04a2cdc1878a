// MLflow's experiment routes over Podium's experiments (one store: an MLflow experiment is a Podium experiment).
// Experiment "0" is MLflow's default experiment: here the experiment named "Default", created by the first run logged
// to "0". An experiment's description is MLflow's `mlflow.note.content` tag.
import { Injectable } from '@nestjs/common';
import type { Identity } from '../auth/roles';
import { AppError, badInput, notFound } from '../common/app-error';
import { decodeCursor, encodeCursor } from '../common/pagination';
import { isUuid } from '../common/uuid';
import type { ExperimentEntity, KeyValue } from '../experiments/experiment.entity';
import { ExperimentsService } from '../experiments/experiments.service';
import { readTag } from './mlflow-batch';
import { compareExperiments, type ExperimentSortFields, matchesAll, parseExperimentFilter, parseExperimentOrder } from './mlflow-experiment-filter';
import type { MlflowParams } from './mlflow-params';
import { invalidValue } from './mlflow-params';
import { type MlflowExperiment, NOTE_TAG, toMlflowExperiment } from './mlflow.mapper';

export const DEFAULT_EXPERIMENT_ID = '0';
export const DEFAULT_EXPERIMENT_NAME = 'Default';
/** experiments/search reads experiments in memory: at most this many (docs/mlflow.md). */
export const MAX_SEARCHED_EXPERIMENTS = 10_000;
const MAX_SEARCH_RESULTS = 50_000;
const DEFAULT_SEARCH_RESULTS = 1000;
const VIEW_TYPES = ['ACTIVE_ONLY', 'DELETED_ONLY', 'ALL'] as const;
export type ViewType = (typeof VIEW_TYPES)[number];
export const viewTypeOf = (p: MlflowParams, name: string): ViewType => p.enumOf(name, VIEW_TYPES, { 1: 'ACTIVE_ONLY', 2: 'DELETED_ONLY', 3: 'ALL' }) ?? 'ACTIVE_ONLY';

type AnchorTuple = [string, number, number, string];
const keysetOf = (e: MlflowExperiment): AnchorTuple => [e.name, e.creation_time, e.last_update_time, e.experiment_id];
const isAnchorTuple = (v: unknown): v is AnchorTuple => Array.isArray(v) && v.length === 4 && typeof v[0] === 'string' && Number.isFinite(v[1]) && Number.isFinite(v[2]) && typeof v[3] === 'string';

/** The anchor a page token names: the sort fields of the last experiment of the page before (a keyset, not an offset: an experiment created while a client pages shifts nothing). */
function anchorOf(token: string): ExperimentSortFields {
  let tuple: AnchorTuple | undefined;
  try {
    tuple = decodeCursor(token, isAnchorTuple);
  } catch {
    // refused below in MLflow's words
  }
  if (!tuple) throw invalidValue('page_token', token, 'not a page token of this server');
  const [name, creation_time, last_update_time, experiment_id] = tuple;
  return { name, creation_time, last_update_time, experiment_id };
}

/** Splits MLflow tags into Podium's tags and the description MLflow keeps in `mlflow.note.content`. */
function splitNote(tags: readonly KeyValue[]): { tags: KeyValue[]; description?: string } {
  const note = tags.filter((t) => t.key === NOTE_TAG).pop();
  return { tags: tags.filter((t) => t.key !== NOTE_TAG), description: note?.value };
}

@Injectable()
export class MlflowExperimentsService {
  constructor(private readonly experiments: ExperimentsService) {}

  async create(p: MlflowParams, caller: Identity): Promise<object> {
    const name = p.requiredString('name', 256);
    // MLflow's artifact_location is where a server writes the run's files: Podium's artifact store decides that.
    p.string('artifact_location', 2048);
    const { tags, description } = splitNote(p.objects('tags', 100).map((t, i) => readTag(t, `tags[${i}]`)));
    const e = await this.experiments.create({ name, tags, description }, caller);
    return { experiment_id: e.id };
  }

  async get(p: MlflowParams): Promise<object> {
    return { experiment: toMlflowExperiment(await this.byId(p.requiredString('experiment_id', 64))) };
  }

  async getByName(p: MlflowParams): Promise<object> {
    const name = p.requiredString('experiment_name', 256);
    return { experiment: toMlflowExperiment(await this.experiments.getByRef({ name })) };
  }

  async update(p: MlflowParams): Promise<object> {
    const e = await this.byId(p.requiredString('experiment_id', 64));
    await this.experiments.update({ id: e.id, name: p.requiredString('new_name', 256) });
    return {};
  }

  async remove(p: MlflowParams): Promise<object> {
    await this.experiments.softDelete((await this.byId(p.requiredString('experiment_id', 64))).id);
    return {};
  }

  async restore(p: MlflowParams): Promise<object> {
    await this.experiments.restore((await this.byId(p.requiredString('experiment_id', 64))).id);
    return {};
  }

  /** Sets one tag (`mlflow.note.content` sets the description). */
  async setTag(p: MlflowParams): Promise<object> {
    const e = await this.byId(p.requiredString('experiment_id', 64));
    const tag = readTag({ key: p.string('key', 250), value: p.string('value', 8000) }, 'tag');
    if (tag.key === NOTE_TAG) await this.experiments.update({ id: e.id, description: tag.value });
    else await this.experiments.update({ id: e.id, tags: [...e.tags.filter((t) => t.key !== tag.key), tag] });
    return {};
  }

  async deleteTag(p: MlflowParams): Promise<object> {
    const e = await this.byId(p.requiredString('experiment_id', 64));
    const key = p.requiredString('key', 250);
    if (key === NOTE_TAG ? e.description === null : !e.tags.some((t) => t.key === key)) throw notFound('Experiment tag', key);
    if (key === NOTE_TAG) await this.experiments.update({ id: e.id, description: null });
    else await this.experiments.update({ id: e.id, tags: e.tags.filter((t) => t.key !== key) });
    return {};
  }

  /** experiments/search (and the older GET experiments/list): filter, order, pages of `max_results`. */
  async search(p: MlflowParams): Promise<object> {
    const view = viewTypeOf(p, 'view_type');
    const max = p.int64('max_results') ?? DEFAULT_SEARCH_RESULTS;
    if (max < 1 || max > MAX_SEARCH_RESULTS) throw invalidValue('max_results', max, `must be between 1 and ${MAX_SEARCH_RESULTS}`);
    const conditions = parseExperimentFilter(p.string('filter', 10_000));
    const order = parseExperimentOrder(p.strings('order_by', 10, 1000));
    // A name is at most 10,000 characters; its token, base64 of it and three short fields.
    const token = p.string('page_token', 16_000);
    const anchor = token ? anchorOf(token) : undefined;
    const all = (await this.loadAll()).filter((e) => view === 'ALL' || (view === 'DELETED_ONLY') === (e.lifecycle === 'deleted')).map(toMlflowExperiment);
    const compare = compareExperiments(order);
    const matches = all.filter((e) => matchesAll(e, conditions)).sort(compare);
    // The order ends on creation_time and the id, so it is total: the page starts at the first experiment after the anchor.
    const start = anchor ? matches.findIndex((e) => compare(e, anchor) > 0) : 0;
    const page = start < 0 ? [] : matches.slice(start, start + max);
    const more = start >= 0 && start + page.length < matches.length;
    return more ? { experiments: page, next_page_token: encodeCursor(keysetOf(page[page.length - 1])) } : { experiments: page };
  }

  /** An experiment by MLflow id: a Podium id, or "0" for the default experiment. */
  async byId(id: string): Promise<ExperimentEntity> {
    if (id === DEFAULT_EXPERIMENT_ID) {
      const found = await this.findDefault();
      if (!found) throw notFound('Experiment', `${id} (the default experiment, "${DEFAULT_EXPERIMENT_NAME}")`);
      return found;
    }
    if (!isUuid(id)) throw notFound('Experiment', id);
    return this.experiments.getByRef({ id });
  }

  /** The default experiment's id, created on first use (by a run logged to experiment "0"). */
  async defaultExperimentId(caller: Identity): Promise<string> {
    const found = await this.findDefault();
    if (found) return found.id;
    try {
      return (await this.experiments.create({ name: DEFAULT_EXPERIMENT_NAME }, caller)).id;
    } catch (e) {
      // Created meanwhile by another first run.
      if (e instanceof AppError && e.code === 'CONFLICT') return (await this.experiments.getByRef({ name: DEFAULT_EXPERIMENT_NAME })).id;
      throw e;
    }
  }

  /** The default experiment's id when it exists (experiment_ids of a search may name "0"). */
  async findDefault(): Promise<ExperimentEntity | undefined> {
    try {
      return await this.experiments.getByRef({ name: DEFAULT_EXPERIMENT_NAME });
    } catch (e) {
      if (e instanceof AppError && e.code === 'NOT_FOUND') return undefined;
      throw e;
    }
  }

  private async loadAll(): Promise<ExperimentEntity[]> {
    const out: ExperimentEntity[] = [];
    let after: string | null = null;
    for (;;) {
      const page = await this.experiments.list({ first: 100, after, includeDeleted: true });
      out.push(...page.nodes);
      if (!page.hasNextPage) return out;
      if (out.length >= MAX_SEARCHED_EXPERIMENTS) throw badInput(`experiments/search reads at most ${MAX_SEARCHED_EXPERIMENTS} experiments and this server has more; use GraphQL's experiments query`);
      after = page.endCursor;
    }
  }
}
