import { expect, openPage, openView, test } from '../lab-test.ts'
import { MEMORY_SESSION, STRATEGIES } from '@lab/contracts'
import { REPLICAS_URL } from '../playwright.config.ts'
import { expectAccessible } from '../accessibility.ts'
import { observe, screenshotPath } from '../reporting/observations.ts'

// The lab of `pnpm demo --replicas 2`: two API processes behind nginx (playwright.config.ts).
test.use({ baseURL: REPLICAS_URL })

test('replicas: every strategy but the in-memory session survives a hop from api-1 to api-2, and each request names its replica', async ({ page }) => {
  await openView(page, '/replicas')
  await expect(page.getByTestId('hop-from')).toHaveValue('api-1')
  await expect(page.getByTestId('hop-to')).toHaveValue('api-2')
  await page.getByTestId('run-hops').click()

  const row = (strategy: string) => page.getByTestId(`hop-${strategy}`)
  await expect(row(MEMORY_SESSION)).not.toHaveAttribute('data-verdict', '')
  for (const strategy of STRATEGIES) {
    await expect(row(strategy)).toHaveAttribute('data-verdict', 'survives')
    await expect(row(strategy).getByTestId('request')).toHaveCount(3)
    expect(await row(strategy).getByTestId('replica').allTextContents()).toEqual(['api-1', 'api-1', 'api-2'])
  }
  await expect(row(MEMORY_SESSION)).toHaveAttribute('data-verdict', 'lost')
  const hop = row(MEMORY_SESSION).getByTestId('request').last()
  await expect(hop).toHaveAttribute('data-replica', 'api-2')
  await expect(hop).toHaveAttribute('data-status', '401')
  await expect(hop).toHaveAttribute('data-code', 'AUTH_INVALID')

  await expect(row(MEMORY_SESSION).getByTestId('verdict'), 'the owner turned away').toHaveAttribute('data-outcome', 'lost')
  await expect(hop).toHaveAttribute('data-outcome', 'lost')
  const shot = screenshotPath('replicas-hop')
  await page.screenshot({ path: shot.path, fullPage: true })
  await expectAccessible(page, 'replicas after the hops')
  for (const strategy of [...STRATEGIES, MEMORY_SESSION]) {
    observe({
      journey: 'replicas',
      strategy,
      seen: {
        'after the hop': (await row(strategy).getAttribute('data-verdict')) ?? '',
        replicas: (await row(strategy).getByTestId('replica').allTextContents()).join(' → '),
      },
      screenshot: shot.relative,
    })
  }
})

test('replicas: with no replica named, the load balancer spreads requests over both', async ({ page }) => {
  await openView(page, '/replicas')
  await page.getByTestId('run-round-robin').click()
  const requests = page.getByTestId('round-robin').getByTestId('request')
  await expect(requests).toHaveCount(6)
  const served = await requests.evaluateAll((rows) => rows.map((row) => row.getAttribute('data-replica')))
  expect(new Set(served)).toEqual(new Set(['api-1', 'api-2']))
})

test('replicas: a lab with a single API says how to start replicas', async ({ page }) => {
  await openPage(page, new URL('/replicas', `http://127.0.0.1:${process.env.E2E_WEB_PORT}`).href)
  const explained = page.getByTestId('no-replicas')
  await expect(explained.getByRole('heading')).toContainText('single API process')
  await expect(explained.getByTestId('command')).toHaveText('pnpm demo --replicas 2')
  await expectAccessible(page, 'replicas in a single-process lab')
})
