import { expect, openPage, test } from '../lab-test.ts'
import { downloadExports, importFresh } from '../exports.ts'
import { observe, screenshotPath } from '../reporting/observations.ts'

/** Each strategy and its limit probe inside the API, as lab-bench/2 pairs them. */
const STRATEGY_PROBES = {
  session: 'probe:redis',
  'session-pg': 'probe:pg',
  'session-cached': 'probe:session-cache',
  jwt: 'probe:jwt',
  'jwt-denylist': 'probe:jwt+redis',
  'jwt-cookie': 'probe:jwt-cookie',
  'jwt-dpop': 'probe:jwt+dpop',
} as const
/** Every route inside the API: the baseline, each strategy, its probe. */
const ROUTES = ['baseline', ...Object.entries(STRATEGY_PROBES).flat()]
/** Measured each round: those, plus the bare process's baseline and one bare probe per strategy (the physical limits). */
const TARGETS_PER_ROUND = ROUTES.length + 1 + Object.keys(STRATEGY_PROBES).length

test('bench: a short run started from the page shows its progress, then a row per strategy and probe with measured ratios; it exports, and imports back the same', async ({ page, browser, baseURL }) => {
  // The page's run is ≈ 70 s of load (3 rounds × 20 targets × 1 s, a warm-up, seeding).
  test.setTimeout(240_000)
  await openPage(page, '/bench')
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('What each strategy costs, beside its limit')
  // Before any run: the committed full run, with its date and machine, or the name of the older format it is in.
  const committed = page.getByTestId('bench-report-committed')
  await expect(committed.getByTestId('bench-machine').or(committed.getByTestId('bench-other-schema'))).toContainText(/\d{4}-\d{2}-\d{2} .* cores|lab-bench\/1/)

  await page.getByTestId('bench-start').click()
  const progress = page.getByTestId('bench-progress')
  const valueNow = async () => Number(await progress.getAttribute('aria-valuenow'))
  await expect.poll(valueNow, { timeout: 60_000 }).toBeGreaterThan(0)
  const first = await valueNow()
  const steps = Number(await progress.getAttribute('aria-valuemax'))
  expect(steps, 'one step per target and round').toBe(3 * TARGETS_PER_ROUND)

  // One run at a time: a second start while this one runs is refused.
  const second = await page.request.post('/bench/run')
  expect(second.status()).toBe(409)
  expect(((await second.json()) as { code: string }).code).toBe('BENCH_RUNNING')

  await expect.poll(valueNow, { timeout: 30_000 }).toBeGreaterThan(first)
  const chart = page.getByTestId('bench-chart')
  await expect(chart).not.toHaveAttribute('data-routes-measured', '0')
  await expect(chart.locator('.recharts-bar-rectangle').first()).toBeAttached()

  const run = page.getByTestId('bench-report-run')
  await expect(run).toBeVisible({ timeout: 180_000 })
  await expect(page.getByTestId('bench-run')).toHaveAttribute('data-status', 'done')
  expect(await valueNow()).toBe(steps)
  await expect(run.getByTestId('bench-machine')).toContainText('Node')

  const ratioOf = async (route: string) => {
    const row = run.getByTestId(`bench-row-${route}`)
    await expect(row.getByTestId('ratio')).toHaveText(/^\d+\.\d{2}$/)
    const ratio = Number(await row.getAttribute('data-ratio'))
    expect(Number.isFinite(ratio) && ratio > 0, `${route} has a measured ratio`).toBe(true)
    return ratio
  }
  for (const route of ROUTES) await ratioOf(route)
  expect(await ratioOf('baseline')).toBe(1)
  await expect(run.locator('tbody tr[data-testid^="bench-row-"]')).toHaveCount(ROUTES.length)
  await expect(run.locator('[data-testid^="bench-over-probe-"]')).toHaveCount(Object.keys(STRATEGY_PROBES).length)

  // Against the physical limit: no auth and each strategy, a measured share each, and no verdict on a run this short.
  for (const name of ['no auth', ...Object.keys(STRATEGY_PROBES)]) {
    const row = run.getByTestId(`bench-limit-${name}`)
    await expect(row.getByTestId('share')).toHaveText(/^\d+\.\d{2}$/)
    expect(Number(await row.getAttribute('data-share')), `${name}: a share of its limit`).toBeGreaterThan(0)
    await expect(row).toHaveAttribute('data-verdict', 'not judged')
  }
  await expect(run.getByTestId('bench-not-judged')).toBeVisible()
  await expect(run.getByTestId('bench-platform-tax')).toContainText(/Platform tax: -?\d+ µs of CPU per request/)

  // The run taken away and brought back (the committed report has its own export): the same tables, in a fresh browser.
  const { jsonPath, markdown } = await downloadExports(page, 'bench', page.getByTestId('bench-run'))
  expect(markdown).toContain('A short run started from the lab')
  expect(markdown).toContain('# Benchmark: each strategy against the physical limit')
  const tables = (on: typeof page) => on.getByTestId('bench-report-run').locator('table').allInnerTexts()
  const imported = await importFresh(browser, baseURL as string, '/bench', 'bench', jsonPath)
  await expect(imported.getByTestId('bench-report-run')).toHaveAttribute('data-imported', 'true')
  expect(await tables(imported)).toEqual(await tables(page))
  await imported.context().close()

  const shot = screenshotPath('bench')
  await page.screenshot({ path: shot.path, fullPage: true })
  for (const [strategy, probe] of Object.entries(STRATEGY_PROBES)) {
    observe({
      journey: 'Bench: a short run from the browser (3 rounds of 1 s per route, ratio to the no-auth baseline)',
      strategy,
      seen: {
        ratio: (await run.getByTestId(`bench-row-${strategy}`).getByTestId('ratio').textContent()) ?? '',
        'its probe': probe,
        'probe ratio': (await run.getByTestId(`bench-row-${probe}`).getByTestId('ratio').textContent()) ?? '',
        'share of its physical limit': (await run.getByTestId(`bench-limit-${strategy}`).getByTestId('share').textContent()) ?? '',
      },
      screenshot: shot.relative,
    })
  }
})
