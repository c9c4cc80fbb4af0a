import { ORDERS_STRATEGIES } from '@lab/contracts'
import { expect, openView, test } from '../lab-test.ts'
import { observe, screenshotPath } from '../reporting/observations.ts'

test('two services: one login per strategy, checked by the API and by the orders service, each its own way, with its hops drawn', async ({ page }) => {
  await openView(page, '/services')
  await page.getByTestId('services-run').click()
  const row = (strategy: string) => page.getByTestId(`services-${strategy}`)
  for (const strategy of ORDERS_STRATEGIES) await expect(row(strategy).getByTestId('api-answer')).toHaveAttribute('data-status', '200')

  // JWTs: verified in the orders service with the API's public keys, no call to the API.
  for (const strategy of ['jwt', 'jwt-denylist']) {
    await expect(row(strategy).getByTestId('orders-answer')).toHaveAttribute('data-status', '200')
    await expect(row(strategy)).toHaveAttribute('data-api-calls', '0')
  }
  await expect(row('jwt')).toHaveAttribute('data-check', 'jwks')
  await expect(row('jwt-denylist')).toHaveAttribute('data-check', 'jwks+denylist')
  await expect(row('jwt-denylist').getByTestId('path-orders').getByTestId('hop-redis')).toContainText('Redis MGET')
  // Sessions: the orders service asks the API, one more hop.
  for (const strategy of ['session', 'session-pg', 'session-cached']) {
    await expect(row(strategy).getByTestId('orders-answer')).toHaveAttribute('data-status', '200')
    await expect(row(strategy)).toHaveAttribute('data-check', 'introspection')
    await expect(row(strategy)).toHaveAttribute('data-api-calls', '1')
    await expect(row(strategy).getByTestId('hop-api')).toContainText(`GET /api/${strategy}/me 200`)
  }
  // jwt-cookie: its cookie is scoped to /api/jwt-cookie and never reaches /orders.
  await expect(row('jwt-cookie').getByTestId('orders-answer')).toHaveAttribute('data-code', 'AUTH_MISSING')
  await expect(page.getByTestId('services-jwt-cookie-note')).toContainText('Path=/api/jwt-cookie')

  // Asked again: the keys are cached, so a JWT costs the orders service no call at all.
  await page.getByTestId('services-again').click()
  await expect(row('jwt')).toHaveAttribute('data-jwks', 'cached')
  await expect(row('jwt').getByTestId('hop-jwks-cached')).toBeVisible()
  await expect(row('session').getByTestId('hop-api')).toBeVisible()

  const seen: Record<string, string> = {}
  for (const strategy of ORDERS_STRATEGIES) {
    const orders = row(strategy).getByTestId('orders-answer')
    const status = await orders.getAttribute('data-status')
    const api = await row(strategy).getByTestId('path-API').innerText()
    const path = await row(strategy).getByTestId('path-orders').innerText()
    seen[`${strategy}: API`] = api.replace(/\s+/g, ' ')
    seen[`${strategy}: orders`] = `${status}: ${path.replace(/\s+/g, ' ')}`
  }
  const shot = screenshotPath('services')
  await page.screenshot({ path: shot.path, fullPage: true })
  observe({ journey: 'Two services: the orders service checks the same logins', strategy: 'all', seen, screenshot: shot.relative })
})
