import closeWithGrace from 'close-with-grace'
import { buildOrders } from './app.ts'
import { ConfigError, loadConfig, type OrdersConfig } from './config.ts'

let config: OrdersConfig
try {
  config = loadConfig()
} catch (error) {
  if (!(error instanceof ConfigError)) throw error
  console.error(`The orders service cannot start: ${error.message}`)
  process.exit(1)
}

const fastify = await buildOrders(config)
closeWithGrace({ delay: 3000 }, async ({ signal, err }) => {
  if (err) fastify.log.error({ err }, 'closing after an error')
  else fastify.log.info(`${signal}: closing`)
  await fastify.close()
})

try {
  await fastify.listen({ host: config.host, port: config.port })
  fastify.log.info(`orders: sessions checked by ${config.sessionCheck === 'store' ? 'reading the shared stores' : 'the API\'s introspection'}, JWTs with the JWKS of ${config.apiUrl}`)
} catch (error) {
  fastify.log.error({ err: error }, 'the orders service could not start')
  await fastify.close()
  process.exit(1)
}
