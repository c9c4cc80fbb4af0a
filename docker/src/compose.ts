import { readFile } from 'node:fs/promises'
import { fileURLToPath } from 'node:url'
import { parse } from 'yaml'
import { COMPOSE_CONF, renderLabConf, type Replica } from './nginx.ts'

export const COMPOSE_FILE = fileURLToPath(new URL('../../docker-compose.yml', import.meta.url))
/** Where nginx listens inside the compose network (the web service's API_URL). */
export const COMPOSE_NGINX_LISTEN = '8080'

export interface ComposeService {
  image?: string
  build?: { context: string; dockerfile: string }
  environment?: Record<string, string | number | boolean | null>
  ports?: string[]
  expose?: string[]
  volumes?: string[]
  depends_on?: Record<string, { condition: string }> | string[]
  healthcheck?: { test: string[] | string; disable?: boolean }
  command?: string[]
}

export interface ComposeFile {
  services: Record<string, ComposeService>
  volumes?: Record<string, unknown>
}

/** docker-compose.yml as Compose reads it, YAML merge keys (`<<: *api`) resolved. */
export async function readCompose(): Promise<ComposeFile> {
  return parse(await readFile(COMPOSE_FILE, 'utf8'), { merge: true }) as ComposeFile
}

/** The API replicas of the compose file: the services that set REPLICA_NAME. */
export function composeReplicas(compose: ComposeFile): Replica[] {
  return Object.entries(compose.services).flatMap(([service, definition]) => {
    const name = definition.environment?.REPLICA_NAME
    if (name === undefined) return []
    return [{ name: String(name), address: `${service}:${definition.environment?.PORT ?? 4000}` }]
  })
}

const HEADER = '# Generated from lab.conf.template by `pnpm --filter @lab/docker render`; do not edit.\n'

/** The nginx configuration docker-compose mounts, as it must read for the compose file's replicas. */
export async function renderComposeConf(compose: ComposeFile): Promise<string> {
  return HEADER + (await renderLabConf({ listen: COMPOSE_NGINX_LISTEN, replicas: composeReplicas(compose) }))
}

export { COMPOSE_CONF }
