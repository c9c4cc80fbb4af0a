// `pnpm --filter @lab/docker render`: writes docker/nginx/conf.d/lab.conf for docker-compose's
// replicas, from the template `pnpm demo --replicas N` renders too. A test fails when it is stale.
import { mkdir, writeFile } from 'node:fs/promises'
import { dirname } from 'node:path'
import { COMPOSE_CONF, readCompose, renderComposeConf } from './compose.ts'

await mkdir(dirname(COMPOSE_CONF), { recursive: true })
await writeFile(COMPOSE_CONF, await renderComposeConf(await readCompose()))
console.log(`wrote ${COMPOSE_CONF}`)
