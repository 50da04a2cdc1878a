// The page in a real browser (Debian's chromium through playwright-core) against the real api on SQLite, with the
// real local CPU worker: experiments and runs table, a live chart that gains a logged epoch without reload and
// resumes after a dropped socket from the last sequence, an OR filter and a filter error at its position, compare
// and grid analysis, an evaluation's PR curve, promotion with a justification and a refusal with its gate evidence,
// the offline GraphiQL (query and subscription), read-only controls for VIEWER. Screenshots: apps/web/test-results/.
// Needs `npm run build` (npm test does).
import type { Browser, Page, WebSocketRoute } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createToken } from '../../../api/test/support/auth-helpers';
import { startTestApp, type TestApp } from '../../../api/test/support/test-app';
import { launchBrowser, openPage, type WatchedPage } from '../support/browser';
import { epochPoints, gqlOf, seedArtifacts, seedCoco8, seedGrid, type Seeded } from '../support/seed';

const MODEL = 'person-detector';
/** expect.poll with room for a loaded 2-core machine (vitest's default is 1 s). */
const poll = <T>(fn: () => T | Promise<T>, opts: { timeout?: number; interval?: number } = {}) => expect.poll(fn, { timeout: 15_000, interval: 50, ...opts });
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('the page in a browser', () => {
  let t: TestApp;
  let browser: Browser | undefined;
  let w: WatchedPage;
  let page: Page;
  let seeded: Seeded;
  let gql: ReturnType<typeof gqlOf>;
  /** Page-side graphql-ws sockets (proxied to the api) and the messages the page sent on them. */
  const sockets: WebSocketRoute[] = [];
  const sent: any[] = [];

  beforeAll(async () => {
    browser = await launchBrowser();
    if (!browser) return;
    t = (await startTestApp('sqlite', { localWorker: true }))!;
    gql = gqlOf(t);
    seeded = await seedGrid(t);
    await seedArtifacts(t, seeded.runs[4].id);
    w = await openPage(browser, t.podium.url, async (p) => {
      await p.routeWebSocket(/\/graphql$/, (ws) => {
        const server = ws.connectToServer();
        sockets.push(ws);
        ws.onMessage((m) => {
          try {
            sent.push(JSON.parse(String(m)));
          } catch {
            // not JSON: forwarded as is
          }
          server.send(m);
        });
      });
    });
    page = w.page;
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
    await t?.close();
  });

  const skipWithoutBrowser = (ctx: { skip: () => void }) => {
    if (!browser) ctx.skip();
  };
  const pointsOf = async (testId: string) => Number(await page.getByTestId(testId).getAttribute('data-drawn-points'));

  it('lists experiments with their run count, and shows an experiment’s runs in the table', async (ctx) => {
    skipWithoutBrowser(ctx);
    await page.goto('/');
    const row = page.getByTestId('experiments').locator('tr', { hasText: 'coco128-grid' });
    await poll(() => row.locator('td.num').textContent()).toBe('10');
    await poll(() => page.getByTestId('viewer').textContent()).toContain('local');
    await w.shot('01-experiments');
    await row.getByRole('link', { name: 'coco128-grid' }).click();
    await page.waitForURL(/\/experiments\//);
    await poll(() => page.getByTestId('run-count').textContent()).toBe('10 runs');
    const table = page.getByTestId('runs-table');
    await poll(() => table.locator('[role=row][data-run]').count()).toBe(10);
    // The YOLO default columns: imgsz, lr0, seed, map50, map50_95, precision, recall.
    const headers = await table.locator('[role=columnheader]').allTextContents();
    expect(headers.slice(4)).toEqual(['imgsz', 'lr0', 'seed', 'map50', 'map50_95', 'precision', 'recall']);
    const best = table.locator(`[data-run="${seeded.runs[4].shortId}"]`);
    expect(await best.textContent()).toContain('0.31');
    expect(await table.locator(`[data-run="${seeded.live.shortId}"]`).textContent()).toContain('RUNNING');
    // Server-side sort: map50 descending puts the 0.31 run first.
    await table.getByRole('columnheader', { name: 'map50', exact: true }).click();
    await poll(async () => table.locator('[role=row][data-run]').first().getAttribute('data-run')).toBe(seeded.runs[4].shortId);
    await w.shot('02-runs-table');
  }, 60_000);

  it('filters with an OR expression, and shows a filter error at its position', async (ctx) => {
    skipWithoutBrowser(ctx);
    const box = page.getByLabel('Filter runs');
    await box.fill("params.imgsz = '640' or (params.imgsz = '320' and params.lr0 = '0.005')");
    await box.press('Enter');
    await poll(() => page.getByTestId('run-count').textContent()).toBe('3 runs matching');
    await poll(() => page.getByTestId('runs-table').locator('[role=row][data-run]').count()).toBe(3);
    expect(page.url()).toContain('filter=');
    await w.shot('03-runs-filtered');

    await box.fill("params.imgsz = '416' and metrics.map50 xyz 0.3");
    await box.press('Enter');
    const problem = page.getByTestId('filter-problem');
    await poll(() => problem.isVisible()).toBe(true);
    expect(await problem.locator('mark').textContent()).toBe('x');
    expect(await problem.textContent()).toContain('Unexpected token "xyz" at position 39');
    await w.shot('04-filter-error');
    await box.fill('');
    await box.press('Enter');
    await poll(() => page.getByTestId('run-count').textContent()).toBe('10 runs');
  }, 60_000);

  it('column picker: lists the metric keys a page at a time from the server, and finds one by a server search', async (ctx) => {
    skipWithoutBrowser(ctx);
    // 450 keys on one run: more than a page (200), so the picker must read on as the list scrolls.
    const experimentId = (await gql(`mutation { createExperiment(input: { name: "many-keys" }) { id } }`)).createExperiment.id;
    const runId = (await gql(`mutation($e: ID!) { createRun(input: { experimentId: $e, params: [{ key: "imgsz", value: "640" }] }) { id } }`, { e: experimentId })).createRun.id;
    const key = (i: number) => `class_${String(i).padStart(5, '0')}/ap`;
    await gql(`mutation($i: LogMetricsInput!) { logMetrics(input: $i) { count } }`, {
      i: { runId, metrics: [...Array.from({ length: 450 }, (_, i) => ({ key: key(i), value: 0.5, step: 0 })), { key: 'classX0042/ap', value: 0.1, step: 0 }] },
    });
    await page.goto(`/experiments/${experimentId}`);
    await poll(() => page.getByTestId('run-count').textContent()).toBe('1 run');
    await page.getByRole('button', { name: /^Columns/ }).click();
    const count = page.getByTestId('picker-count');
    await poll(() => count.textContent()).toContain('200 of 451 metric keys');
    // Scrolled to its end, the list reads the next pages.
    const list = page.locator('.picker-list');
    for (let i = 0; i < 3; i++) await list.evaluate((el) => el.scrollTo(0, el.scrollHeight));
    await poll(async () => {
      await list.evaluate((el) => el.scrollTo(0, el.scrollHeight));
      return count.textContent();
    }).toContain('451 of 451 metric keys');
    // The server search: `_` is literal, so classX0042/ap is not among the matches.
    await page.getByPlaceholder('Search keys…').fill('CLASS_0042');
    await poll(() => count.textContent()).toContain('10 of 10 metric keys matching “CLASS_0042”');
    const items = page.locator('.picker-item');
    await poll(() => items.allTextContents()).toEqual(Array.from({ length: 10 }, (_, i) => `metric ${key(420 + i)}`));
    await w.shot('04b-column-picker-search');
    await items
      .filter({ hasText: key(425) })
      .locator('input')
      .check();
    const table = page.getByTestId('runs-table');
    await poll(() => table.locator('[role=columnheader]').allTextContents()).toContain(key(425));
    expect(decodeURIComponent(new URL(page.url()).searchParams.get('cols') ?? '')).toContain(`m:${key(425)}`);
    await poll(() => table.locator('[role=row][data-run]').first().textContent()).toContain('0.5');
  }, 60_000);

  it('run page: a logged epoch appears on the chart without reload; after a dropped socket it resumes from the last sequence', async (ctx) => {
    skipWithoutBrowser(ctx);
    await page.goto(`/runs/${seeded.live.id}`);
    await poll(() => pointsOf('chart-map'), { timeout: 15_000 }).toBe(3);
    for (const id of ['chart-pr', 'chart-loss', 'chart-lr']) expect(await page.getByTestId(id).count()).toBe(1);
    expect(await page.getByTestId('params').textContent()).toContain('imgsz416');

    // Epoch 3 logged by the trainer: the chart gains a point, no reload.
    const navigations: string[] = [];
    page.on('framenavigated', (f) => navigations.push(f.url()));
    const logged = Date.now();
    const first = await gql('mutation($i: LogMetricsInput!) { logMetrics(input: $i) { firstSequence lastSequence } }', { i: { runId: seeded.live.id, metrics: epochPoints(0.3, 3, 10) } });
    await poll(() => pointsOf('chart-map'), { timeout: 5_000, interval: 20 }).toBe(4);
    console.log(`[web e2e] logged epoch on the chart ${Date.now() - logged} ms after logMetrics was sent (bench/web measures it properly)`);
    expect(await page.getByTestId('chart-map').getAttribute('data-last-x')).toBe('3');
    expect(navigations).toEqual([]);
    await w.shot('05-run-live');

    // Drop every socket of the page (as a flaky network would). graphql-ws reconnects, and the metric streams ask
    // again from the last sequence they applied, not from 0.
    const before = sent.length;
    for (const s of sockets.splice(0)) await s.close({ code: 1012, reason: 'test: connection dropped' });
    await sleep(100);
    await gql('mutation($i: LogMetricsInput!) { logMetrics(input: $i) { lastSequence } }', { i: { runId: seeded.live.id, metrics: epochPoints(0.3, 4, 10) } });
    const last = await gql('mutation($i: LogMetricsInput!) { logMetrics(input: $i) { lastSequence } }', { i: { runId: seeded.live.id, metrics: epochPoints(0.3, 5, 10) } });
    await poll(() => pointsOf('chart-map'), { timeout: 15_000 }).toBe(6);
    expect(await page.getByTestId('chart-map').getAttribute('data-last-x')).toBe('5');
    const resubscribed = sent.slice(before).filter((m) => m.type === 'subscribe' && m.payload?.query?.includes('metricBatchLogged'));
    expect(resubscribed.length).toBeGreaterThanOrEqual(1);
    // The charts' keys share one stream; it resumed after the last point it had applied (epoch 3's), not from 0.
    expect(resubscribed.map((m) => m.payload.variables.afterSequence)).toEqual([first.logMetrics.lastSequence]);
    expect(last.logMetrics.lastSequence).toBeGreaterThan(first.logMetrics.lastSequence);
    expect(navigations).toEqual([]);

    // Log scale and smoothing re-shape the same data.
    await page.getByLabel('Log scale').check();
    await page.getByLabel('Smoothing').fill('0.6');
    expect(await pointsOf('chart-map')).toBe(6);
    await w.shot('06-run-log-smooth');
  }, 90_000);

  it('run page: artifacts preview a JPEG inline and a CSV as a table', async (ctx) => {
    skipWithoutBrowser(ctx);
    await page.goto(`/runs/${seeded.runs[4].id}`);
    await page.locator('.artifacts li', { hasText: 'results.csv' }).getByRole('button', { name: 'Preview' }).click();
    const img = page.locator('img.artifact-image');
    await poll(() => img.evaluate((el: HTMLImageElement) => el.complete && el.naturalWidth)).toBe(810);
    const csv = page.locator('.csv-scroll table');
    await poll(() => csv.locator('tbody tr').count()).toBe(3);
    expect(await csv.locator('thead').textContent()).toContain('metrics/mAP50(B)');
    await w.shot('07-run-artifacts');
  }, 60_000);

  it('compares two runs: overlaid curves, params with differences marked, the grid analysis readable', async (ctx) => {
    skipWithoutBrowser(ctx);
    await page.goto(`/experiments/${seeded.experimentId}`);
    const table = page.getByTestId('runs-table');
    await table.locator(`[data-run="${seeded.runs[0].shortId}"] input[type=checkbox]`).check();
    await table.locator(`[data-run="${seeded.runs[4].shortId}"] input[type=checkbox]`).check();
    await page.getByRole('button', { name: 'Compare (2)' }).click();
    await page.waitForURL(/\/compare\?/);
    await poll(() => pointsOf('compare-map50'), { timeout: 15_000 }).toBe(3);
    expect(await page.getByTestId('compare-map50').locator('.u-legend .u-series').count()).toBe(3); // step + 2 runs
    const params = page.getByTestId('compare-params');
    expect(await params.locator('tr.differs th').allTextContents()).toEqual(['imgsz ≠']);
    expect(await params.textContent()).toContain('416');
    await poll(() => page.getByTestId('grid-analysis').getByTestId('grid-change').allTextContents()).toContain('imgsz 416 vs 320: +11.1 %');
    await w.shot('08-compare');
  }, 60_000);

  it('evaluation: a registered version evaluated by the local CPU worker, live, then its PR curve and per-class AP', async (ctx) => {
    skipWithoutBrowser(ctx);
    await seedCoco8(t);
    await gql('mutation { createRegisteredModel(input: { name: "person-detector", description: "YOLOX-nano, the web e2e" }) { name } }');
    await gql('mutation($i: CreateModelVersionInput!) { createModelVersion(input: $i) { version } }', { i: { name: MODEL, runId: seeded.runs[4].id, artifactPath: 'weights/best.onnx' } });
    await gql('mutation($i: SetPromotionPolicyInput!) { setPromotionPolicy(input: $i) { name } }', {
      i: { name: MODEL, policy: { production: { requireEvaluation: { dataset: 'coco8', metric: 'map50', floor: 0.99, compareWithProduction: false, settingsMustMatch: [] } } } },
    });
    await page.goto(`/models/${MODEL}/versions/1`);
    const form = page.getByTestId('evaluate-form');
    await poll(() => form.locator('select').first().inputValue()).toBe('coco8');
    await form.locator('input[type=number]').fill('416');
    await form.locator('select').nth(1).selectOption('CPU');
    await form.getByRole('button', { name: 'Evaluate' }).click();
    await page.waitForURL(/\/evaluations\/[0-9a-f-]+$/);
    await w.shot('09-evaluation-live');
    await page.getByTestId('pr-curve').waitFor({ timeout: 120_000 });
    await poll(() => pointsOf('pr-curve'), { timeout: 10_000 }).toBeGreaterThan(100);
    expect(await pointsOf('confidence-curve')).toBeGreaterThan(5);
    expect(await page.getByTestId('eval-tiles').textContent()).toContain('4 img');
    expect(await page.getByTestId('per-class').locator('tbody tr').count()).toBeGreaterThan(0);
    expect(await page.getByTestId('coco-stats').textContent()).toContain('ap');
    await w.shot('10-evaluation-result');
  }, 180_000);

  it('registry: promotes with a justification (seen in the history); PRODUCTION refused shows the failing gate and its evidence', async (ctx) => {
    skipWithoutBrowser(ctx);
    await page.goto(`/models/${MODEL}/versions/1`);
    const form = page.getByTestId('promote-form');
    await form.locator('select').first().selectOption('STAGING');
    await form.locator('textarea[name=justification]').fill('Best mAP@50 of the grid (0.31).');
    await form.locator('textarea[name=risks]').fill('Only 4 validation images.');
    await form.getByRole('button', { name: 'Promote' }).click();
    await poll(() => form.locator('[role=status]').textContent()).toBe('v1: NONE → STAGING');
    const history = page.getByTestId('history');
    await poll(() => history.textContent()).toContain('Best mAP@50 of the grid (0.31).');
    expect(await history.textContent()).toContain('NONE → STAGING');

    await form.locator('select').first().selectOption('PRODUCTION');
    await form.locator('textarea[name=justification]').fill('Ship it.');
    await form.getByRole('button', { name: 'Promote' }).click();
    const refused = page.getByTestId('promote-refused');
    await poll(() => refused.isVisible()).toBe(true);
    const gate = refused.getByTestId('unmet-gates').locator('li.gate.fail');
    expect(await gate.textContent()).toContain('required map50 ≥ 0.99 (policy floor)');
    expect(await gate.textContent()).toMatch(/Evidence: map50 [\d.]+ from eval/);
    expect(await gate.textContent()).toContain('on coco8');
    await w.shot('11-registry-promote');

    await page.goto(`/models/${MODEL}`);
    await poll(() => page.getByTestId('versions').textContent()).toContain('STAGING');
    await w.shot('12-registry-model');

    // The registry list reads the stage holders through versions(stages:), not every version of every model.
    await page.goto('/models');
    const row = page.getByTestId('models').locator('tbody tr', { hasText: MODEL });
    await poll(() => row.locator('td').nth(4).textContent()).toBe('v1');
    expect(await row.locator('td').nth(3).textContent()).toBe('—');
  }, 60_000);

  it('registry list: models past the first page of 100 are reached with "Load more" (the cursor)', async (ctx) => {
    skipWithoutBrowser(ctx);
    // 105 models in one request (aliases); their names sort after every other model, so the last ones are on page 2.
    const fields = Array.from({ length: 105 }, (_, i) => `m${i}: createRegisteredModel(input: { name: "zz-bulk-${String(i).padStart(3, '0')}" }) { id }`);
    await gql(`mutation { ${fields.join('\n')} }`);
    const { registeredModels } = await gql<{ registeredModels: { totalCount: number } }>('{ registeredModels(first: 1) { totalCount } }');
    expect(registeredModels.totalCount).toBeGreaterThan(105);
    await page.goto('/models');
    const rows = page.getByTestId('models').locator('tbody tr');
    await poll(() => rows.count()).toBe(100);
    expect(await page.getByTestId('models').textContent()).not.toContain('zz-bulk-104');
    const more = page.getByRole('button', { name: /^Load more/ });
    expect(await more.textContent()).toBe(`Load more (100 of ${registeredModels.totalCount})`);
    await more.click();
    await poll(() => rows.count()).toBe(registeredModels.totalCount);
    await poll(() => rows.last().locator('td').first().textContent()).toBe('zz-bulk-104');
    expect(await more.count()).toBe(0);
    await w.shot('12b-registry-list-page-2');
  }, 60_000);

  it('the offline GraphiQL runs a query and a subscription', async (ctx) => {
    skipWithoutBrowser(ctx);
    const query = '{ experiments { totalCount nodes { name } } }';
    await page.goto(`/graphiql?query=${encodeURIComponent(query)}`);
    const run = page.locator('.graphiql-execute-button');
    const editor = page.locator('.graphiql-query-editor .view-lines');
    await poll(() => editor.textContent(), { timeout: 30_000 }).toContain('experiments');
    await run.click();
    const result = page.locator('.graphiql-response');
    await poll(() => result.textContent(), { timeout: 15_000 }).toContain('coco128-grid');
    await w.shot('13-graphiql-query');

    // From the run's last sequence: only the point logged below arrives (live, not replayed).
    const { run: now } = await gql(`{ run(id: "${seeded.live.id}") { lastSequence } }`);
    const sub = `subscription { metricBatchLogged(runId: "${seeded.live.shortId}", afterSequence: ${now.lastSequence}, keys: ["map50"]) { lastSequence points { key step value } } }`;
    await page.goto(`/graphiql?query=${encodeURIComponent(sub)}`);
    await poll(() => editor.textContent(), { timeout: 30_000 }).toContain('metricBatchLogged');
    await run.click();
    await sleep(500);
    await gql('mutation($i: LogMetricsInput!) { logMetrics(input: $i) { count } }', { i: { runId: seeded.live.id, metrics: [{ key: 'map50', value: 0.4242, step: 42 }] } });
    await poll(() => result.textContent(), { timeout: 15_000 }).toContain('0.4242');
    await w.shot('14-graphiql-subscription');
  }, 90_000);

  it('no console error and no CSP violation on the page’s flows', (ctx) => {
    skipWithoutBrowser(ctx);
    // GraphiQL logs its worker setup at info level; errors would show here.
    expect(w.problems).toEqual([]);
  });

  it('VIEWER: the same pages, read-only (the token is kept in the tab’s sessionStorage)', async (ctx) => {
    skipWithoutBrowser(ctx);
    const { secret } = await createToken(t, 'web-viewer', 'VIEWER');
    const v = await openPage(browser!, t.podium.url, async (p) => {
      await p.addInitScript((s) => sessionStorage.setItem('podium.token', s), secret);
    });
    await v.page.goto(`/models/${MODEL}/versions/1`);
    await poll(() => v.page.getByTestId('viewer').textContent()).toContain('web-viewer · VIEWER');
    await poll(() => v.page.locator('text=Read-only: your role (VIEWER) cannot promote.').count()).toBe(1);
    expect(await v.page.getByTestId('promote-form').count()).toBe(0);
    expect(await v.page.getByTestId('evaluate-form').count()).toBe(0);
    expect(v.page.url()).not.toContain(secret);
    await v.shot('15-viewer-readonly');
    expect(v.problems).toEqual([]);
    await v.page.context().close();
  }, 60_000);
});

describe('the page off loopback (token mode)', () => {
  let t: TestApp;
  let browser: Browser | undefined;

  beforeAll(async () => {
    browser = await launchBrowser();
    if (!browser) return;
    t = (await startTestApp('sqlite', { authMode: 'token' }))!;
  }, 60_000);
  afterAll(async () => {
    await browser?.close();
    await t?.close();
  });

  it('asks for a token, keeps it for the tab only, never in the URL or localStorage', async (ctx) => {
    if (!browser) return ctx.skip();
    const { secret } = await createToken(t, 'web-editor', 'EDITOR');
    const w = await openPage(browser, t.podium.url);
    const { page } = w;
    await page.goto('/experiments/whatever');
    const input = page.getByLabel('Token');
    await input.waitFor();
    await w.shot('16-signin');
    await input.fill('pod_not-a-real-token-at-all');
    await page.getByRole('button', { name: 'Sign in' }).click();
    await poll(() => page.getByRole('alert').textContent()).toContain('UNAUTHENTICATED');
    await page.getByRole('button', { name: 'Forget the token' }).click();
    await page.getByLabel('Token').fill(secret);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await poll(() => page.getByTestId('viewer').textContent()).toContain('web-editor · EDITOR');
    expect(page.url()).toBe(`${t.podium.url}/experiments/whatever`);
    expect(await page.evaluate(() => ({ session: sessionStorage.getItem('podium.token'), local: JSON.stringify(localStorage) }))).toEqual({ session: secret, local: '{}' });
    // The socket authenticates too: a subscription-backed page works.
    await page.goto('/');
    await poll(() => page.locator('h1').first().textContent()).toBe('Experiments');
    await page.getByRole('button', { name: 'Sign out' }).click();
    await page.getByLabel('Token').waitFor();
    expect(await page.evaluate(() => sessionStorage.getItem('podium.token'))).toBeNull();
    // The 401 of the first viewer query (no token yet) is the only console error expected.
    expect(w.problems.filter((p) => !/401|Unauthorized|UNAUTHENTICATED/i.test(p))).toEqual([]);
  }, 60_000);
});
