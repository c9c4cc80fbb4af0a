import assert from 'node:assert/strict'
import { readFile } from 'node:fs/promises'
import { test } from 'node:test'
import { DockerfileParser, type Instruction } from 'dockerfile-ast'
import { validate, ValidationSeverity } from 'dockerfile-utils'

const root = new URL('../../', import.meta.url)
const read = (path: string) => readFile(new URL(path, root), 'utf8')

interface Stage {
  name: string
  /** the base image, build arguments resolved */
  image: string
  /** `KEYWORD arguments`, in order */
  instructions: string[]
}

/** The Dockerfile's stages, from dockerfile-ast's parse (the parser behind VS Code's Dockerfile support). */
function stagesOf(content: string): Stage[] {
  const dockerfile = DockerfileParser.parse(content)
  const stages: Stage[] = []
  for (const instruction of dockerfile.getInstructions() as Instruction[]) {
    const keyword = instruction.getKeyword()
    if (keyword === 'FROM') {
      const from = dockerfile.getFROMs().find((candidate) => candidate.getRange().start.line === instruction.getRange().start.line)
      const line = instruction.getRange().start.line
      const image = (from?.getImage() ?? '').replace(/\$\{(\w+)\}/g, (_, name: string) => dockerfile.resolveVariable(name, line) ?? '')
      stages.push({ name: from?.getBuildStage() ?? String(stages.length), image, instructions: [] })
    } else {
      // The instruction as written, flags included, continuation lines joined.
      stages.at(-1)?.instructions.push(instruction.getTextContent().replace(/\\\r?\n/g, ' ').replace(/\s+/g, ' ').trim())
    }
  }
  return stages
}

const ALL_CHECKS_AS_ERRORS = {
  deprecatedMaintainer: ValidationSeverity.ERROR,
  directiveCasing: ValidationSeverity.ERROR,
  emptyContinuationLine: ValidationSeverity.ERROR,
  instructionCasing: ValidationSeverity.ERROR,
  instructionCmdMultiple: ValidationSeverity.ERROR,
  instructionEntrypointMultiple: ValidationSeverity.ERROR,
  instructionHealthcheckMultiple: ValidationSeverity.ERROR,
  instructionJSONInSingleQuotes: ValidationSeverity.ERROR,
  instructionWorkdirRelative: ValidationSeverity.ERROR,
}

for (const app of ['api', 'orders', 'web'] as const) {
  const path = `apps/${app}/Dockerfile`

  test(`${path}: dockerfile-utils finds nothing to report`, async () => {
    const diagnostics = validate(await read(path), ALL_CHECKS_AS_ERRORS)
    assert.deepEqual(diagnostics.map((d) => `${d.range.start.line + 1}: ${d.message}`), [])
  })

  test(`${path}: prunes the workspace with turbo, installs from the lockfile, and runs from a small image as a non-root user`, async () => {
    const stages = stagesOf(await read(path))
    assert.deepEqual(stages.map((stage) => stage.name), ['base', 'prune', 'build', 'runtime'])
    const [, prune, build, runtime] = stages as [Stage, Stage, Stage, Stage]

    assert.ok(prune.instructions.includes(`RUN turbo prune @lab/${app} --docker`))
    // The install sees only manifests and the lockfile, and must not change it.
    const install = build.instructions.indexOf('RUN pnpm install --frozen-lockfile')
    assert.ok(install > build.instructions.indexOf('COPY --from=prune /repo/out/json/ ./'))
    assert.ok(install < build.instructions.indexOf('COPY --from=prune /repo/out/full/ ./'))

    assert.match(runtime.image, /^node:\d+-(\w+-)?slim$|^node:\d+-alpine/)
    const users = runtime.instructions.filter((instruction) => instruction.startsWith('USER '))
    assert.ok(users.length > 0 && !/^USER (root|0)\b/.test(users.at(-1) as string), 'the runtime runs as a non-root user')
    // Nothing reaches the runtime layer but what the build stage made for it; the sources never do.
    for (const instruction of runtime.instructions.filter((line) => line.startsWith('COPY') || line.startsWith('ADD'))) {
      assert.match(instruction, /^COPY --from=build /, instruction)
    }
    for (const stage of [build, runtime]) assert.ok(!stage.instructions.includes('COPY . .'), `${stage.name} copies the whole context`)
  })
}

test('the API image holds production dependencies only: pnpm deploy --prod', async () => {
  const [, , build, runtime] = stagesOf(await read('apps/api/Dockerfile')) as Stage[]
  assert.ok(build?.instructions.some((line) => / pnpm --filter @lab\/api deploy --prod \/prod\/api$/.test(line)))
  const copied = runtime?.instructions.filter((line) => line.startsWith('COPY')).map((line) => line.split(' ')[2])
  assert.deepEqual(copied, ['/prod/api/package.json', '/prod/api/node_modules', '/prod/api/dist', '/prod/api/migrations'])
  assert.ok(runtime?.instructions.includes('CMD ["node", "dist/server.js"]'))
})

test('the orders image holds production dependencies only, and runs the compiled service', async () => {
  const [, , build, runtime] = stagesOf(await read('apps/orders/Dockerfile')) as Stage[]
  assert.ok(build?.instructions.some((line) => / pnpm --filter @lab\/orders deploy --prod \/prod\/orders$/.test(line)))
  const copied = runtime?.instructions.filter((line) => line.startsWith('COPY')).map((line) => line.split(' ')[2])
  assert.deepEqual(copied, ['/prod/orders/package.json', '/prod/orders/node_modules', '/prod/orders/dist'])
  assert.ok(runtime?.instructions.includes('CMD ["node", "dist/server.js"]'))
})

test("the web image is the web origin in Next's standalone output, whose traced files leave the dev dependencies out", async () => {
  assert.match(await read('apps/web/next.config.ts'), /output: 'standalone'/)
  const [, , , runtime] = stagesOf(await read('apps/web/Dockerfile')) as Stage[]
  const copied = runtime?.instructions.filter((line) => line.startsWith('COPY')).map((line) => line.split(' ')[2])
  assert.deepEqual(copied, ['/repo/apps/web/.next/standalone'])
  assert.ok(runtime?.instructions.includes('CMD ["node", "apps/web/server/main.ts"]'))
})

test('.dockerignore keeps installed, built and secret files out of the build context', async () => {
  const ignored = (await read('.dockerignore')).split('\n').filter((line) => line && !line.startsWith('#'))
  for (const pattern of ['**/node_modules', '**/dist', '**/.next', '.env', '.git']) assert.ok(ignored.includes(pattern), pattern)
})
