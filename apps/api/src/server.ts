import Fastify from 'fastify'
import closeWithGrace from 'close-with-grace'
import app, { serverOptions, type AppConfig } from './app.ts'
import { ConfigError, loadConfig, type Config } from './config.ts'
import { EMBEDDED_POSTGRES_TIMEOUT, provideStores } from './local-stores/index.ts'

let config: Config
try {
  config = loadConfig()
} catch (error) {
  if (!(error instanceof ConfigError)) throw error
  console.error(`The API cannot start: ${error.message}`)
  process.exit(1)
}

const fastify = Fastify(serverOptions(config))
if (config.generatedSecrets.length > 0) {
  fastify.log.warn(`demo profile: generated ${config.generatedSecrets.join(' and ')} for this run only (tokens and sessions end with it)`)
}

const stores = await provideStores(config)
fastify.log.info(`stores: ${stores.descriptions.join(', ')}`)
fastify.addHook('onClose', stores.stop)

const appConfig: AppConfig = {
  ...config,
  databaseUrl: stores.databaseUrl,
  redisUrl: stores.redisUrl,
  postgresPoolMax: config.postgresPoolMax ?? (stores.embeddedPostgres ? 1 : 10),
  postgresTimeout: config.postgresTimeout ?? (stores.embeddedPostgres ? EMBEDDED_POSTGRES_TIMEOUT : undefined),
}
fastify.register(app, { config: appConfig })

closeWithGrace({ delay: 5000 }, async ({ signal, err }) => {
  if (err) fastify.log.error({ err }, 'closing after an error')
  else fastify.log.info(`${signal}: closing`)
  await fastify.close()
})

try {
  await fastify.listen({ host: config.host, port: config.port })
} catch (error) {
  fastify.log.error({ err: error }, 'the API could not start')
  await fastify.close()
  process.exit(1)
}
